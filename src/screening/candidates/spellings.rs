//! The records a query selects besides the trigram vote: those holding a word one edit from
//! one of its words (a neighbour), written otherwise (a skeleton of consonants, another
//! spelling), or a rare word of its own.

use super::*;

impl Postings {
    /// The listed tokens one edit (a letter changed, added or left out, or two neighbouring
    /// letters swapped) from a distinctive word of the query, none of them a word of the query
    /// itself, each once, with its list, what it adds to a record's count (the query word's
    /// length, as a shared word adds) and its weight; lists longer than `cap` left out. Words
    /// of [`MIN_TWO_EDIT_WORD`] letters or more also find listed tokens two edits away, which
    /// weigh less.
    ///
    /// A diverter changes one letter of a listed name (`Taka Logistics` for `TAHA LOGISTICS`):
    /// the two words share one trigram, so among the thousands of listed names holding
    /// `logistics` the listed party ranked below the cut and was never aligned, though it
    /// scores in the review band. Voting for the neighbour as for a shared word ranks it
    /// inside the cut. Only words that [`may_have_neighbours`] and are not generic business
    /// words.
    ///
    /// A neighbour is no rarer than the query's word when that is listed: a rare misspelling
    /// must not rank above the names holding the word as written (Elasticsearch's fuzzy query
    /// blends the frequencies of its expansions for the same reason).
    pub(super) fn neighbours<'a>(
        &'a self,
        tokens: &[String],
        cap: usize,
    ) -> Vec<(u32, &'a [u32], u32, f32)> {
        let n = self.records.max(2) as f32;
        let rarity = |p: &[u32]| (n / p.len().max(1) as f32).ln().max(0.1);
        let index = self.neighbour_index();
        let mut found: Vec<(&str, u32)> = Vec::new();
        let mut out = Vec::new();
        // Sets, not scans: a hostile name of thousands of distinct misspelt words would
        // compare each neighbour with every one found before and every word of the name.
        let query_words: FxHashSet<&str> = tokens.iter().map(String::as_str).collect();
        let mut voted: FxHashSet<&str> = FxHashSet::default();
        for word in tokens {
            if !may_have_neighbours(word) || is_generic(word) {
                continue;
            }
            let count = u32::try_from(word.len()).unwrap_or(u32::MAX);
            let most = self.token(word).map_or(f32::INFINITY, |(_, p)| rarity(p));
            let one = found.len();
            index.one_edit_from(word, &mut found);
            let two = found.len();
            if word.len() >= MIN_TWO_EDIT_WORD {
                index.two_edits_from(word, &mut found);
            }
            for i in one..found.len() {
                let Some(&(listed, list)) = found.get(i) else {
                    continue;
                };
                let postings = self.list(list);
                // Each neighbour votes once, where it is first found, whether or not it
                // could vote there (as the scan of the ones found before did).
                let again = !voted.insert(listed);
                if postings.len() > cap || again || query_words.contains(listed) {
                    continue;
                }
                let vote = if i < two {
                    NEIGHBOUR_VOTE
                } else {
                    TWO_EDIT_VOTE
                };
                out.push((list, postings, count, vote * rarity(postings).min(most)));
            }
        }
        out
    }

    /// The index of listed words by their one-letter deletions, built on first use.
    pub(in crate::screening) fn neighbour_index(&self) -> &NeighbourIndex {
        self.neighbour_index.get_or_init(|| {
            Box::new(NeighbourIndex::new(
                self.tokens
                    .iter()
                    .filter(|(t, _)| t.len() <= MAX_FUZZY_TOKEN_LEN && !translit::is_skeleton(t))
                    .map(|(t, &list)| (t.as_str(), list)),
                MIN_NEIGHBOUR_WORD - 1,
            ))
        })
    }

    /// The listed words one edit from query word `word`, when it [`may_have_neighbours`].
    pub(in crate::screening) fn one_edit_words<'a>(&'a self, word: &str, out: &mut Vec<&'a str>) {
        if !may_have_neighbours(word) {
            return;
        }
        let mut found: Vec<(&str, u32)> = Vec::new();
        self.neighbour_index().one_edit_from(word, &mut found);
        out.extend(found.into_iter().map(|(listed, _)| listed));
    }

    /// Every record holding an uncommon listed word (in at most `max_token_postings` names,
    /// no generic business word) one edit from a word of the query that is common (in more
    /// names) or a generic business word: `Marine LLC` brings in `MARINA LLC`.
    ///
    /// The vote weighs a neighbour no rarer than the query's word, and not at all for a
    /// generic word ([`Postings::neighbours`]), so every name holding such a word as written
    /// outranks the one holding the neighbour. A diverter who changes one letter of a listed
    /// name's word so that it spells a word hundreds of listed names hold (`marina` to
    /// `marine`) buried the listed party below the cut, though it scores in the review band:
    /// with 324 names of the form `… MARINE LLC`, `Marine LLC` met `MARINA LLC` at 0.91
    /// uncut and not at all with the cut. An uncommon neighbour's records are few (as a rare
    /// token's, which [`Postings::rare_token_records`] brings in).
    pub(super) fn rare_neighbour_records(
        &self,
        tokens: &[String],
        config: &ScreenerConfig,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        let mut found: Vec<(&str, u32)> = Vec::new();
        // A hostile name repeats a common word thousands of times: each distinct word once,
        // and no more of them than a rare token's records come from.
        let mut words: Vec<&str> = tokens.iter().map(String::as_str).collect();
        words.sort_unstable();
        words.dedup();
        let common_or_generic = words.into_iter().filter(|word| {
            (is_generic(word)
                || self
                    .token(word)
                    .is_some_and(|(_, p)| p.len() > config.max_token_postings))
                && may_have_neighbours(word)
        });
        for word in common_or_generic.take(MAX_TOKENS) {
            found.clear();
            self.neighbour_index().one_edit_from(word, &mut found);
            for &(listed, list) in &found {
                let postings = self.list(list);
                if postings.len() <= config.max_token_postings && !is_generic(listed) {
                    out.extend_from_slice(postings);
                }
            }
        }
        out
    }

    /// Every record holding another spelling of a romanised name the query holds
    /// ([`super::super::nicknames::other_spellings`]: `Hezbollah` for a listed `HIZBALLAH`), when that
    /// spelling is uncommon in the list as a rare token is. `Hezbollah` from Lebanon, the
    /// group's most common English spelling, met the listed `HIZBALLAH` only through an alias
    /// with another word, in the review band, and `Hisbollah` not at all. Each distinct word of
    /// the query once, at most [`MAX_TOKENS`] of them.
    pub(super) fn other_spelling_records(
        &self,
        tokens: &[String],
        config: &ScreenerConfig,
    ) -> Vec<u32> {
        let mut words: Vec<&str> = tokens.iter().map(String::as_str).collect();
        words.sort_unstable();
        words.dedup();
        let mut out = Vec::new();
        for word in words.into_iter().take(MAX_TOKENS) {
            for spelling in super::super::nicknames::other_spellings(word) {
                if let Some((_, postings)) = self.token(spelling) {
                    if postings.len() <= config.max_token_postings {
                        out.extend_from_slice(postings);
                    }
                }
            }
        }
        out
    }

    /// Every record sharing a rare token, from the [`MAX_TOKENS`] rarest tokens of the query:
    /// a hostile name of thousands of tokens must not bring in every record. A record left
    /// out here still competes through its votes.
    pub(super) fn rare_token_records(
        &self,
        tokens: &[String],
        config: &ScreenerConfig,
    ) -> Vec<u32> {
        let mut rare: Vec<&[u32]> = tokens
            .iter()
            .filter_map(|t| self.token(t).map(|(_, p)| p))
            .filter(|p| p.len() <= config.max_token_postings)
            .collect();
        rare.sort_by_key(|p| (p.len(), p.first().copied()));
        rare.dedup();
        let mut out = Vec::new();
        for p in rare.into_iter().take(MAX_TOKENS) {
            out.extend_from_slice(p);
        }
        out
    }

    /// Records holding an uncommon token whose consonant skeleton is that of one of the
    /// query's skeleton tokens (a name written in Arabic script, `slmn` for `soleimani`,
    /// `salimani` and `sulaymani` alike). Scoring compares a skeleton with a listed token on
    /// their consonants ([`super::similarity::skeleton_similarity`]), but the vote cannot
    /// find such a token: a skeleton shares few trigrams with any vowelled spelling, so a
    /// listed Iranian written in Persian was never a candidate and scored nothing.
    pub(in crate::screening) fn skeleton_records(
        &self,
        tokens: &[String],
        config: &ScreenerConfig,
    ) -> Vec<u32> {
        let mut out = Vec::new();
        if !tokens.iter().any(|t| translit::is_skeleton(t)) {
            return out;
        }
        let by_skeleton = self.skeletons.get_or_init(|| {
            let mut map: FxHashMap<String, Vec<u32>> = FxHashMap::default();
            for (token, &list) in &self.tokens {
                if translit::is_skeleton(token) {
                    continue;
                }
                let key = translit::skeleton(token);
                if key.len() >= MIN_SKELETON_KEY_WITH_WORD {
                    map.entry(key).or_default().push(list);
                }
            }
            for lists in map.values_mut() {
                lists.sort_unstable();
                lists.dedup();
            }
            map
        });
        // The records holding a word of the query as written, for the short keys.
        let worded: Vec<&[u32]> = tokens
            .iter()
            .filter(|t| !translit::is_skeleton(t))
            .filter_map(|t| self.token(t).map(|(_, p)| p))
            .collect();
        // Each skeleton token's key, and the key of each two neighbouring skeleton tokens
        // joined: Arabic writes `الله` as a word of its own in compound names that the lists
        // write as one (`حزب الله`, `HIZBALLAH`; `نصر الله`, `NASRALLAH`), and neither half's
        // key is the listed token's.
        let mut keys: Vec<String> = tokens
            .iter()
            .filter(|t| translit::is_skeleton(t))
            .map(|t| translit::skeleton(t))
            .collect();
        keys.extend(
            tokens
                .windows(2)
                .filter(|pair| pair.iter().all(|t| translit::is_skeleton(t)))
                .map(|pair| translit::skeleton(&format!("{}{}", pair[0], pair[1]))),
        );
        for key in keys {
            let short = key.len() < MIN_SKELETON_KEY;
            if short && worded.is_empty() {
                continue;
            }
            let Some(lists) = by_skeleton.get(&key) else {
                continue;
            };
            let mut rare: Vec<&[u32]> = lists
                .iter()
                .map(|&list| self.list(list))
                .filter(|p| p.len() <= config.max_token_postings)
                .collect();
            rare.sort_by_key(|p| (p.len(), p.first().copied()));
            for p in rare.into_iter().take(MAX_SKELETON_SPELLINGS) {
                if short {
                    out.extend(
                        p.iter()
                            .filter(|r| worded.iter().any(|w| w.binary_search(r).is_ok())),
                    );
                } else {
                    out.extend_from_slice(p);
                }
            }
        }
        out
    }
}
