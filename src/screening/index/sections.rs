//! A [`Screener`] as independent sections for the persisted list index
//! ([`crate::screening::persist`]): the entries in a few chunks, the names (packed, see
//! [`super::names`]), then the token statistics, the postings, the smaller lookups, the
//! addresses and the listed words by their deletions (for misspelt neighbours). Sections
//! decode on the rayon pool at once, so a cold run waits for the longest one instead of all.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{Names, Screener, ScreenerConfig};
use crate::screening::address_index::AddressIndex;
use crate::screening::candidates::Postings;
use crate::screening::model::Entry;
use crate::screening::neighbours::NeighbourIndex;
use crate::screening::score::TokenStats;

/// How many chunks the entries are cut into.
const CHUNKS: usize = 4;

/// The lookups that are not worth a section each.
type Lookups = (
    Vec<(u64, u32)>,
    Vec<u32>,
    FxHashMap<String, Vec<(u32, u32)>>,
);

/// One decoded section.
enum Section {
    Entries(Vec<Entry>),
    Names(Box<Names>),
    Stats(TokenStats),
    Postings(Postings),
    Lookups(Lookups),
    Addresses(AddressIndex),
    Neighbours(Box<NeighbourIndex>),
}

/// The kind of section at each place: `CHUNKS` of entries, the names, then the rest.
fn kind_at(i: usize) -> Option<u8> {
    match i {
        i if i < CHUNKS => Some(0),
        i if i == CHUNKS => Some(1),
        i if i == CHUNKS + 1 => Some(2),
        i if i == CHUNKS + 2 => Some(3),
        i if i == CHUNKS + 3 => Some(4),
        i if i == CHUNKS + 4 => Some(5),
        i if i == CHUNKS + 5 => Some(6),
        _ => None,
    }
}

/// How many sections an index has.
pub(crate) const SECTIONS: usize = CHUNKS + 6;

fn chunks<T>(items: &[T]) -> impl Iterator<Item = &[T]> {
    let size = items.len().div_ceil(CHUNKS).max(1);
    (0..CHUNKS).map(move |i| {
        let from = (i * size).min(items.len());
        let to = ((i + 1) * size).min(items.len());
        &items[from..to]
    })
}

impl Screener {
    /// The index as [`SECTIONS`] encoded sections, in the order [`Screener::decode_sections`]
    /// reads them.
    pub(crate) fn encode_sections(&self) -> Result<Vec<Vec<u8>>, String> {
        let fail = |e: bitcode::Error| format!("cannot encode the index: {e}");
        let mut out = Vec::with_capacity(SECTIONS);
        for part in chunks(&self.entries) {
            out.push(bitcode::serialize(part).map_err(fail)?);
        }
        out.push(self.names.encode()?);
        out.push(bitcode::serialize(&self.stats).map_err(fail)?);
        out.push(bitcode::serialize(&self.postings).map_err(fail)?);
        out.push(
            bitcode::serialize(&(&self.compact_index, &self.folded_order, &self.id_map))
                .map_err(fail)?,
        );
        out.push(bitcode::serialize(&self.addresses).map_err(fail)?);
        // Built here if no query has built it yet: a run from the stored index then finds
        // it ready instead of building it on its first query.
        out.push(bitcode::serialize(self.postings.neighbour_index()).map_err(fail)?);
        Ok(out)
    }

    /// The index from its sections, decoded in parallel, with the default configuration and an
    /// empty name cache. `Err` when there are not [`SECTIONS`] of them or one does not decode.
    pub(crate) fn decode_sections(sections: &[&[u8]]) -> Result<Screener, String> {
        if sections.len() != SECTIONS {
            return Err(format!(
                "it has {} sections, an index has {SECTIONS}",
                sections.len()
            ));
        }
        let decoded: Vec<Section> = sections
            .par_iter()
            .enumerate()
            .map(|(i, bytes)| decode_one(i, bytes))
            .collect::<Result<_, _>>()?;
        // Sized once, so that the chunks are moved in once.
        let entry_count = decoded.iter().fold(0usize, |e, section| match section {
            Section::Entries(part) => e.saturating_add(part.len()),
            _ => e,
        });
        let mut entries = Vec::with_capacity(entry_count);
        let (mut names, mut stats, mut postings, mut lookups, mut addresses, mut neighbours) =
            (None, None, None, None, None, None);
        for section in decoded {
            match section {
                Section::Entries(mut part) => entries.append(&mut part),
                Section::Names(n) => names = Some(*n),
                Section::Stats(s) => stats = Some(s),
                Section::Postings(p) => postings = Some(p),
                Section::Lookups(l) => lookups = Some(l),
                Section::Addresses(a) => addresses = Some(a),
                Section::Neighbours(n) => neighbours = Some(n),
            }
        }
        let (
            Some(names),
            Some(stats),
            Some(postings),
            Some((compact_index, folded_order, id_map)),
            Some(addresses),
            Some(neighbours),
        ) = (names, stats, postings, lookups, addresses, neighbours)
        else {
            return Err("a section is missing".to_string());
        };
        if !postings.set_neighbour_index(*neighbours) {
            return Err("its listed words refer to words or postings it does not hold".to_string());
        }
        Ok(Screener {
            entries,
            names,
            stats,
            postings,
            compact_index,
            folded_order,
            id_map,
            addresses,
            config: ScreenerConfig::default(),
            cache: Default::default(),
        })
    }
}

fn decode_one(i: usize, bytes: &[u8]) -> Result<Section, String> {
    let fail = |e: bitcode::Error| format!("section {i} does not decode: {e}");
    Ok(match kind_at(i) {
        Some(0) => Section::Entries(bitcode::deserialize(bytes).map_err(fail)?),
        Some(1) => Section::Names(Box::new(
            Names::decode(bytes).map_err(|e| format!("section {i}: {e}"))?,
        )),
        Some(2) => Section::Stats(bitcode::deserialize(bytes).map_err(fail)?),
        Some(3) => Section::Postings(bitcode::deserialize(bytes).map_err(fail)?),
        Some(4) => Section::Lookups(bitcode::deserialize(bytes).map_err(fail)?),
        Some(5) => Section::Addresses(bitcode::deserialize(bytes).map_err(fail)?),
        Some(6) => Section::Neighbours(Box::new(bitcode::deserialize(bytes).map_err(fail)?)),
        _ => return Err(format!("there is no section {i}")),
    })
}
