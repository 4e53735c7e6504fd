//! The nested record built from one order's cells: numbered paths (`consignees.1.city`)
//! become lists, dotted ones objects, and every cell remembers its column and line so a
//! problem found later by normalisation points back at the cell it came from.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map as JsonMap, Value as Json};

use super::super::normalize::codes;
use super::super::FieldProblem;
use super::headers::Step;

/// One cell on its way into the record tree.
pub(crate) struct Cell {
    pub(crate) text: String,
    pub(crate) column: String,
    pub(crate) line: usize,
}

/// The record being built from cells; numbered members are kept by number
/// and compacted (in order) when the tree becomes JSON, so gaps are allowed.
/// Object members keep the order of their columns, with an index by name so a
/// row of 100,000 columns is built in linear time.
pub(crate) enum Node {
    Leaf(Cell),
    Map(Vec<(String, Node)>, HashMap<String, usize>),
    List(BTreeMap<usize, Node>),
}

/// Where each cell ended up: its final path (`consignees[0].city`, after compaction), column
/// and line.
#[derive(Default)]
pub(crate) struct CellIndex {
    by_path: HashMap<String, (String, usize)>,
}

impl CellIndex {
    /// The column and line of the cell a problem at `path` comes from: the cell at that path
    /// or the nearest one enclosing it (`items[0].restrictions[0].destinations[1]` comes from
    /// the cell of the whole `destinations` list).
    pub(crate) fn find(&self, path: &str) -> Option<&(String, usize)> {
        let mut path = path;
        loop {
            if let Some(found) = self.by_path.get(path) {
                return Some(found);
            }
            let cut = path.rfind(['.', '['])?;
            path = &path[..cut];
        }
    }
}

impl Node {
    pub(crate) fn map() -> Node {
        Node::Map(Vec::new(), HashMap::new())
    }

    pub(crate) fn insert(&mut self, steps: &[Step], cell: Cell) -> Result<(), FieldProblem> {
        let Some((step, rest)) = steps.split_first() else {
            return Err(clash(&cell));
        };
        let fresh = || match rest.first() {
            Some(Step::Index(_)) => Node::List(BTreeMap::new()),
            _ => Node::map(),
        };
        let child = match (self, step) {
            (Node::Map(members, index), Step::Key(key)) => {
                let at = match index.get(key) {
                    Some(at) => *at,
                    None if rest.is_empty() => {
                        index.insert(key.clone(), members.len());
                        members.push((key.clone(), Node::Leaf(cell)));
                        return Ok(());
                    }
                    None => {
                        index.insert(key.clone(), members.len());
                        members.push((key.clone(), fresh()));
                        members.len() - 1
                    }
                };
                &mut members[at].1
            }
            (Node::List(members), Step::Index(index)) => {
                if rest.is_empty() {
                    if members.contains_key(index) {
                        return Err(clash(&cell));
                    }
                    members.insert(*index, Node::Leaf(cell));
                    return Ok(());
                }
                members.entry(*index).or_insert_with(fresh)
            }
            _ => return Err(clash(&cell)),
        };
        if rest.is_empty() {
            return Err(clash(&cell));
        }
        child.insert(rest, cell)
    }

    /// Converts to JSON, noting the final path, column and line of every cell.
    pub(crate) fn into_json(self, path: &str, cells: &mut CellIndex) -> Json {
        match self {
            Node::Leaf(cell) => {
                cells
                    .by_path
                    .insert(path.to_string(), (cell.column, cell.line));
                Json::String(cell.text)
            }
            Node::Map(members, _) => {
                let mut out = JsonMap::new();
                for (key, node) in members {
                    let child = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    out.insert(key, node.into_json(&child, cells));
                }
                Json::Object(out)
            }
            Node::List(members) => Json::Array(
                members
                    .into_values()
                    .enumerate()
                    .map(|(k, node)| node.into_json(&format!("{path}[{k}]"), cells))
                    .collect(),
            ),
        }
    }
}

fn clash(cell: &Cell) -> FieldProblem {
    FieldProblem {
        code: codes::CSV_CELL,
        path: String::new(),
        column: Some(cell.column.clone()),
        line: Some(cell.line),
        message: format!("column `{}` overlaps another column's value", cell.column),
    }
}
