//! Building an engine from a validated pack: the list indexes its conditions look up, each
//! rule compiled, the screening lists, and the options a run judges with (waivers, as-of
//! date, orders not shipped yet).

use super::*;
use crate::order::Shape;

impl Engine {
    /// Compiles a validated pack.
    pub fn new(pack: RulePack) -> Engine {
        let mut indexes: FxHashMap<String, FxHashMap<String, ListIndex>> = FxHashMap::default();
        let mut wanted: Vec<(String, String)> = Vec::new();
        for rule in &pack.rules {
            for c in &rule.conditions {
                match &c.op {
                    Op::InList { list, column, .. } => wanted.push((list.clone(), column.clone())),
                    Op::StartsWith {
                        members: Members::List { list, column },
                    } => wanted.push((list.clone(), column.clone())),
                    _ => {}
                }
            }
        }
        for (list_name, column) in wanted {
            let Some(list) = pack.lists.get(&list_name) else {
                continue;
            };
            let entry = indexes
                .entry(list_name)
                .or_default()
                .entry(column.clone())
                .or_insert_with(ListIndex::new);
            if !entry.keys.is_empty() {
                continue;
            }
            for (i, row) in list.rows.iter().enumerate() {
                for key in list.keys_of(row, &column) {
                    entry.keys.entry(fold(key)).or_default().push(i);
                }
            }
        }
        let screen_floor = pack
            .rules
            .iter()
            .flat_map(|r| &r.conditions)
            .filter_map(|c| match &c.op {
                // Address scores are another scale and never reach the name index.
                Op::Screen(spec) if spec.match_on != MatchOn::Address => {
                    use rust_decimal::prelude::ToPrimitive;
                    spec.min_score.to_f64()
                }
                _ => None,
            })
            .fold(1.0_f64, f64::min);
        let tables: FxHashMap<String, Arc<ListTable>> = pack
            .lists
            .iter()
            .map(|(name, table)| (name.clone(), Arc::clone(table)))
            .collect();
        let compiled = pack
            .rules
            .iter()
            .zip(memo::classes(&pack))
            .zip(memo::first_bindings(&pack))
            .map(|((rule, shared), first_class)| {
                let order = evaluation_order(rule);
                CompiledRule {
                    shared,
                    first_class,
                    info: Arc::new(RuleInfo::of(rule)),
                    stages: Stages::of(rule, &order),
                    order,
                    expected: rule
                        .conditions
                        .iter()
                        .map(|c| Arc::from(expected_text(c, &pack)))
                        .collect(),
                    labels: rule.conditions.iter().map(ConditionLabels::of).collect(),
                    wildcards: wildcards_per_source(rule),
                    inert_without_lists: inert_without_lists(rule),
                    remembered: None,
                }
            })
            .collect::<Vec<CompiledRule>>();
        let (element_rules, remembered) = ElementRules::of(
            &pack.rules,
            compiled.iter().map(|c| c.stages.as_ref()),
            &tables,
        );
        let mut compiled = compiled;
        for (rule, remembered) in compiled.iter_mut().zip(remembered) {
            rule.remembered = remembered;
        }
        Engine {
            rows: RowEvidenceCache::of(&pack.lists),
            tables,
            pack: Arc::new(pack),
            indexes,
            compiled,
            screener: None,
            screener_memo_id: text_memo::next_index_id(),
            as_of: None,
            run_day: None,
            ship_dates: ShipDates::default(),
            screen_floor,
            waivers: None,
            profile: None,
            element_rules: Arc::new(element_rules),
            remember_elements: true,
        }
    }

    /// Applies `waivers` in force on `on` while judging: a waiver clears the combinations it
    /// covers (`waiving`), and a finding stays open while any combination is not covered.
    pub fn with_waivers(mut self, waivers: Arc<Waivers>, on: NaiveDate) -> Engine {
        self.waivers = Some((waivers, on));
        self
    }

    /// Judges as of `date`: screening-list entries listed after it are left out, as they
    /// were not on the list yet (lookback over past orders with today's lists).
    pub fn as_of(mut self, date: NaiveDate) -> Engine {
        self.as_of = Some(date);
        self
    }

    /// Judges on `day` (today, for a gate): an order not shipped yet may ship on it, so a list
    /// row or listing in force on it counts for an order dated later (`in_force`). Without it
    /// (and without `as_of`) such a row counts for an order dated after it ended as well,
    /// which errs toward a finding. The engine reads no clock: its caller says what day it is.
    pub fn run_day(mut self, day: NaiveDate) -> Engine {
        self.run_day = Some(day);
        self
    }

    /// Takes a stated `ship_date` for `what`: the day the goods left (the default), or a plan
    /// (a gate before shipment, where no finding becomes a lookback through it).
    pub fn ship_dates(mut self, what: ShipDates) -> Engine {
        self.ship_dates = what;
        self
    }

    /// Compiles a validated pack with screening lists for its `screen` conditions.
    fn with_screener(pack: RulePack, screener: Arc<Screener>) -> Engine {
        Engine {
            screener: Some(screener),
            screener_memo_id: text_memo::next_index_id(),
            ..Engine::new(pack)
        }
    }

    /// Compiles a pack with its own screening lists (`[screening.NAME]`) and `extra` entries
    /// (from `--list`, or a rule test); without any, `screen` conditions have nothing to match.
    pub fn with_screening(pack: RulePack, mut extra: Vec<screening::Entry>) -> Engine {
        extra.extend(
            pack.screening
                .iter()
                .flat_map(|l| l.entries.iter().cloned()),
        );
        if extra.is_empty() {
            Engine::new(pack)
        } else {
            Engine::with_screener(pack, Arc::new(Screener::build(extra)))
        }
    }

    /// Compiles a pack with a screening index already built over the `--list` entries followed
    /// by the pack's own, as [`Engine::with_screening`] builds it (one read back from the list
    /// index cache, `screening::persist`).
    pub fn with_index(pack: RulePack, screener: Screener) -> Engine {
        Engine::with_screener(pack, Arc::new(screener))
    }

    /// The screening index, when lists were given.
    pub fn screener(&self) -> Option<&Screener> {
        self.screener.as_deref()
    }

    /// Screening lists named by `screen` conditions that no loaded entry belongs to, as
    /// `(rule id, condition, list)`: a rule must not screen against a list that is not there.
    pub fn missing_screening_lists(&self) -> Vec<(String, String, String)> {
        // A list names a few lists and sources over many entries: each distinct name is
        // lowercased once, not once per entry (40,000 times for a 20,000-entry list), and an
        // entry naming the list and source the one before it named (nearly every entry) is
        // not looked up in the set at all.
        let mut distinct: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        let mut last: Option<(&str, &str)> = None;
        for e in self.screener.iter().flat_map(|s| s.entries().iter()) {
            let names = (e.list.as_str(), e.source.as_str());
            if last != Some(names) {
                distinct.extend([names.0, names.1]);
                last = Some(names);
            }
        }
        let mut loaded: Vec<String> = distinct.into_iter().map(str::to_lowercase).collect();
        loaded.sort();
        loaded.dedup();
        let mut out = Vec::new();
        for rule in &self.pack.rules {
            for c in &rule.conditions {
                if let Op::Screen(spec) = &c.op {
                    for list in &spec.lists {
                        if loaded.binary_search(&list.to_lowercase()).is_err() {
                            out.push((rule.id.clone(), c.name.clone(), list.clone()));
                        }
                    }
                }
            }
        }
        out
    }
}

/// Whether `rule` can come to nothing but false when no screening list is loaded: every
/// condition its expression reads is a `screen`, which without a list answers false for each
/// value of the kind it screens (`screen::not_screened`), and the expression is false when
/// they all are. Such a rule is not walked in a run without lists (as the `S004` warning
/// says, it screened nothing); a condition that could be unknown there keeps its rule walked:
/// one that may find a missing value it does not count as false, a value of another kind than
/// it screens, or that holds only when every value does (true of none).
///
/// What kind of value a path holds is its shape's: the order readers refuse a record whose
/// party is not an object or whose text field holds an object, list or boolean (`O104`), and
/// write a number in a text field as text.
fn inert_without_lists(rule: &Rule) -> bool {
    let mut leaves = Vec::new();
    rule.condition.leaves(&mut leaves);
    let screens_nothing = |i: &usize| {
        let Some(condition) = rule.conditions.get(*i) else {
            return false;
        };
        let (Op::Screen(spec), Target::Path(target)) = (&condition.op, &condition.target) else {
            return false;
        };
        let object = target.shape.is_object();
        // Not `is_textual`, which counts an attribute's value of any kind.
        let text = matches!(
            target.shape,
            Shape::Text | Shape::Country | Shape::Currency | Shape::Hs
        );
        let screenable = match spec.match_on {
            MatchOn::Mentions => object || text,
            MatchOn::Any | MatchOn::Id | MatchOn::Name | MatchOn::Address => object,
        };
        // A variable itself is always there; a path below it or the order may reach nothing.
        let always_there = matches!(target.base, Base::Var(_)) && target.path.segments().is_empty();
        screenable
            && condition.quantifier == Quantifier::Any
            && (always_there || condition.if_missing == Some(false))
    };
    !leaves.is_empty()
        && leaves.iter().all(screens_nothing)
        && kleene(&rule.condition, &mut |_| Truth::False) == Truth::False
}
