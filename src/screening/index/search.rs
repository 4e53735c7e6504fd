//! The names one normalised query name is scored against, and their name scores: candidates
//! of the index aligned token by token (after the score ceiling rules most out), listed names
//! cut at a field's length, listed company names held whole, and names equal up to spacing and
//! punctuation; cached per query name and kind.

use super::firm_words::{
    is_business_word, names_a_branch, names_a_part_of_a_firm, same_trade_word, says_nothing_of_who,
    spelled_word, stand_together, FirmWords,
};
use super::*;

impl Screener {
    /// Name scores of the candidates for one normalised query name that score at least
    /// `floor` (and perhaps some below it, down to the floor the cache entry was computed
    /// at, which `screen` drops), best first: from the cache when `floor` is at least
    /// [`CACHE_MIN_SCORE`], computed afresh otherwise. Names equal to an indexed name up to spacing and punctuation
    /// (their compact forms meet) score 1 whatever the token alignment says.
    ///
    /// `written` is, for a reading of a name in Arabic script, the name as written (its
    /// consonant skeleton), which each candidate of the reading is also scored against.
    pub(super) fn name_scores(
        &self,
        query: &NormalizedName,
        kind: EntryKind,
        floor: f64,
        written: Option<&[String]>,
    ) -> Arc<Vec<Scored>> {
        if query.tokens.is_empty() && query.folded.is_empty() {
            return Arc::new(Vec::new());
        }
        let cacheable = floor >= CACHE_MIN_SCORE;
        // Two names may share a reading and not their skeletons (`ض` and `ذ` are both `z` in
        // a Persian reading): the skeleton is part of the key.
        let key = match written {
            Some(w) => (format!("{}\u{1f}{}", query.normalized, w.join(" ")), kind),
            None => (query.normalized.clone(), kind),
        };
        // A miss is computed at the lowest floor screens have asked for so far (at most this
        // one), so that the other screens of the run find it too (see `NameCache`).
        let (cached, keep) = if cacheable {
            match self.cache.read() {
                Ok(c) => (c.get(&key, floor), floor.min(c.lowest)),
                Err(_) => (None, floor),
            }
        } else {
            (None, floor)
        };
        let aligned = match cached {
            Some(hit) => hit,
            None => {
                let scored = Arc::new(self.align_candidates(&query.tokens, keep, written));
                if cacheable {
                    if let Ok(mut cache) = self.cache.write() {
                        cache.lowest = cache.lowest.min(floor);
                        let entry = Cached {
                            floor: keep,
                            scored: Arc::clone(&scored),
                        };
                        cache.insert(key, entry, &self.config);
                    }
                }
                scored
            }
        };
        let mut extra = self.compact_matches(query);
        for cut in self.cut_matches(query) {
            if !extra.iter().any(|s| s.record == cut.record) {
                extra.push(cut);
            }
        }
        if kind != EntryKind::Entity {
            for m in self.initials_matches(query) {
                match extra.iter_mut().find(|s| s.record == m.record) {
                    Some(s) if s.score < m.score => *s = m,
                    Some(_) => {}
                    None => extra.push(m),
                }
            }
        }
        if extra.is_empty() {
            // `screen` drops what scores below its threshold anyway.
            return aligned;
        }
        // Each record once, with its better score.
        let mut out: Vec<Scored> = extra;
        for s in aligned.iter().filter(|s| s.score >= floor) {
            match out.iter_mut().find(|o| o.record == s.record) {
                Some(o) if o.score < s.score => *o = s.clone(),
                Some(_) => {}
                None => out.push(s.clone()),
            }
        }
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.record.cmp(&b.record)));
        Arc::new(out)
    }

    /// Records whose folded name goes on from the whole folded query (`foreign trade bank of
    /// the democratic peo` begins `foreign trade bank of the democratic peoples republic of
    /// korea`), when the query is long enough to have been cut at a field's length: at
    /// [`CUT_NAME_SCORE`] when the cut falls inside a word, at [`CUT_WORDS_SCORE`] when at a
    /// word's end. Token alignment scores such a name low (its cut word is rare, the listed
    /// words after it unpaired), so an ERP export cutting a listed name at 35 characters let
    /// it pass. Cheap (a binary search), so it runs outside the cache.
    fn cut_matches(&self, query: &NormalizedName) -> Vec<Scored> {
        let q = query.folded.as_str();
        if q.chars().count() < CUT_MIN_CHARS {
            return Vec::new();
        }
        let folded = |ri: u32| self.names.folded(ri).unwrap_or("");
        let from = self.folded_order.partition_point(|&ri| folded(ri) < q);
        let mut out = Vec::new();
        for &ri in self.folded_order[from..]
            .iter()
            .take_while(|&&ri| folded(ri).starts_with(q))
        {
            let name = folded(ri);
            // The query whole is an exact match, found by its compact form.
            let Some(next) = name.get(q.len()..).and_then(|rest| rest.chars().next()) else {
                continue;
            };
            let score = if next.is_alphanumeric() {
                CUT_NAME_SCORE
            } else {
                CUT_WORDS_SCORE
            };
            out.push(Scored {
                record: ri,
                score,
                pairs: vec![TokenPair {
                    query: q.to_string(),
                    candidate: name.to_string(),
                    similarity: score,
                }],
                reading: None,
                raised_by: None,
                origin: NameOrigin::of(
                    if score == CUT_NAME_SCORE {
                        StepKind::CutInWord
                    } else {
                        StepKind::CutAtWordEnd
                    },
                    score,
                ),
            });
            if out.len() >= MAX_CUT_MATCHES {
                break;
            }
        }
        out
    }

    /// Aligns the query tokens (and their rejoined variant) against every candidate and keeps
    /// those scoring at least `floor` (and above 0), best first. With `written` (a reading's
    /// name as written), each candidate is also scored against those tokens, and the better
    /// counts: a reading's vowels are a guess at the Latin spelling (`hsin` for `Hossein`,
    /// `Hoseyn`, `Husayn`), which the consonants of the name as written are not, while the
    /// reading finds the candidates that the skeleton, sharing no trigram with them, cannot.
    fn align_candidates(
        &self,
        tokens: &[String],
        floor: f64,
        written: Option<&[String]>,
    ) -> Vec<Scored> {
        if tokens.is_empty() {
            return Vec::new();
        }
        let mut variants = query_variants(tokens, &self.stats);
        // Candidates come from the reading's own variants; the name as written found its own
        // when it was screened.
        let selecting = variants.len();
        if let Some(w) = written.filter(|w| !w.is_empty() && *w != tokens) {
            variants.push(WeightedTokens::new(w, &self.stats));
        }
        let query = QueryName::from_variants(variants);
        // The query's own words, for `part_of_listed`: worked out once for its candidates.
        let core: Vec<&str> = tokens
            .iter()
            .map(String::as_str)
            .filter(|t| !is_generic(t))
            .collect();
        let firm_words = FirmWords::of(tokens);
        let spelled = spelled_word(tokens);
        let mut candidates: Vec<u32> = Vec::new();
        for v in query.variants().iter().take(selecting) {
            candidates.extend(self.postings.select(&v.tokens, &self.config));
        }
        candidates.extend(self.postings.skeleton_records(tokens, &self.config));
        candidates.extend(self.one_word_changed(tokens));
        candidates.sort_unstable();
        candidates.dedup();
        let mut memos = CEILING_MEMOS.with(|m| std::mem::take(&mut *m.borrow_mut()));
        memos.resize_with(query.variants().len(), CeilingMemo::default);
        memos.iter_mut().for_each(CeilingMemo::clear);
        let every_variant = match query.variants().len() {
            n @ 0..64 => (1u64 << n) - 1,
            _ => u64::MAX,
        };
        let (mut runs, mut ends) = (Vec::new(), Vec::new());
        self.names.gather(&candidates, &mut runs, &mut ends);
        let run = |k: usize| {
            let start = k.checked_sub(1).and_then(|k| ends.get(k)).copied();
            let end = ends.get(k).copied();
            runs.get(start.unwrap_or(0)..end.unwrap_or(0))
                .unwrap_or_default()
        };
        let mut view = names::View::default();
        let mut scored: Vec<Scored> = candidates
            .into_iter()
            .enumerate()
            .filter_map(|(k, ri)| {
                // Most candidates are ruled out by their score ceilings at the floor: worked
                // out on the name read in place, before it is unpacked (see `names::View`).
                // The variants found below are not worked out again.
                let mut below = None;
                if self.config.pruning == Pruning::Bounded
                    && self.names.view_with(ri, run(k), &mut view)
                    && self
                        .holds_listed(
                            tokens,
                            firm_words,
                            spelled,
                            view.tokens(),
                            view.listed().facts,
                            || view.entry(),
                        )
                        .is_none()
                    && !self.part_of_listed(&core, view.tokens(), || view.entry())
                {
                    let mask =
                        variants_below_floor(&query, view.listed(), floor, &mut memos, view.ids);
                    if mask == every_variant {
                        return None;
                    }
                    below = Some(mask);
                }
                let r = self.names.get(ri)?;
                let held = self.holds_listed(
                    tokens,
                    firm_words,
                    spelled,
                    &r.name.tokens,
                    &r.facts,
                    || Some(r.entry),
                );
                let contained = held.is_some();
                let part_of_listed =
                    !contained && self.part_of_listed(&core, &r.name.tokens, || Some(r.entry));
                let raised_by = match held {
                    Some((_, step)) => Some(step),
                    None => part_of_listed.then_some(StepKind::PartOfListedName),
                };
                let floor = if contained || part_of_listed {
                    0.0
                } else {
                    floor
                };
                let (s, variant) = compare_listed_at_least(
                    &query,
                    &r.weighted,
                    &r.facts,
                    floor,
                    self.config.pruning,
                    Some((&mut memos, &r.ids, below.filter(|_| !contained))),
                )?;
                let origin = NameOrigin {
                    kind: StepKind::Aligned,
                    score: s.uncapped,
                    cap: if s.generic_capped {
                        Some(NameCap::GenericOnly)
                    } else if s.patronymic_capped {
                        Some(NameCap::CrossedPatronymic)
                    } else {
                        None
                    },
                };
                Some(Scored {
                    record: ri,
                    score: if let Some((held, _)) = held {
                        s.score.max(held)
                    } else if part_of_listed {
                        s.score.max(PART_OF_LISTED_SCORE)
                    } else {
                        s.score
                    },
                    origin,
                    pairs: s.pairs,
                    reading: (variant > 0)
                        .then(|| query.variants().get(variant).map(|v| v.tokens.join(" ")))
                        .flatten(),
                    raised_by,
                })
            })
            .collect();
        CEILING_MEMOS.with(|m| *m.borrow_mut() = memos);
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.record.cmp(&b.record)));
        scored
    }

    /// The name score the query earns by holding `record`'s name whole, its tokens in a row
    /// in any order ([`stand_together`]), among other words: [`CONTAINED_NAME_SCORE`] for a
    /// name of a company, organisation, vessel or aircraft (people share names, and add
    /// patronymics) of two
    /// tokens or more, at least one not a generic business word (`Trading Corp` is in many
    /// names); [`ONE_WORD_HELD_SCORE`] for a name of one word of a company (or of an entry of
    /// no stated kind: a watch list's) that is no generic
    /// business word, has [`ONE_WORD_HELD_MIN_LETTERS`] letters or more and is in few listed
    /// names (`Stankoimport Kazakhstan Branch`). `tokens` and `entry` are the listed name's,
    /// unpacked or read in place.
    fn holds_listed<S: AsRef<str>>(
        &self,
        query: &[String],
        firm_words: FirmWords,
        spelled: Option<&str>,
        tokens: &[S],
        facts: &[TokenFacts],
        entry: impl Fn() -> Option<u32>,
    ) -> Option<(f64, StepKind)> {
        if let Some(held) = self.holds_listed_whole(query, tokens, &entry) {
            return Some(held);
        }
        if let Some(score) = self.without_own_country(query, tokens, facts, &entry) {
            return Some((score, StepKind::WithoutOwnCountry));
        }
        if let Some(score) = self.without_legal_form_word(query, tokens, facts, &entry) {
            return Some((score, StepKind::WithoutLegalFormWord));
        }
        if let Some(score) =
            self.own_word_with_other_generic_words(query, firm_words, tokens, &entry)
        {
            return Some((score, StepKind::HoldsOwnWord));
        }
        self.one_word_spelled_otherwise(spelled, tokens, &entry)
            .map(|score| (score, StepKind::HoldsWordSpelledOtherwise))
    }

    /// [`ONE_WORD_HELD_SCORE`] when the listed company's name is one long word and the query
    /// is another spelling of it with only generic words or words naming a part of a firm
    /// beside it (`Hizbullah Trading GmbH`, `Hezbollah Trading GmbH` for `HIZBALLAH`): names
    /// romanised from Arabic or Persian, Russian or Chinese are spelled several ways, and a
    /// list holds one or a few of them. Alignment scored such a query a near miss, and a
    /// country the entry does not list took it below review, while the spelling the list holds
    /// was a block from anywhere. The word must be as rare as a one-word listed name held
    /// must be (in at most [`ONE_WORD_HELD_MAX_RECORDS`] entries), have
    /// [`SPELLED_OTHERWISE_MIN_LETTERS`] letters or more, start with the same letter as the
    /// query's, and be at most one edit from it (two from [`SPELLED_OTHERWISE_TWO_EDITS_LETTERS`]
    /// letters); not a person's name, vessel or aircraft.
    fn one_word_spelled_otherwise<S: AsRef<str>>(
        &self,
        spelled: Option<&str>,
        tokens: &[S],
        entry: impl FnOnce() -> Option<u32>,
    ) -> Option<f64> {
        // Asked of every candidate: the query's word is found once (`spelled_word`), and the
        // listed word's first letter and length rule out nearly every candidate before the
        // edits are counted.
        let (Some(spelled), [word]) = (spelled, tokens) else {
            return None;
        };
        let word = word.as_ref();
        if spelled == word || spelled.chars().next() != word.chars().next() {
            return None;
        }
        let letters = word.chars().count();
        let most_edits = if letters >= SPELLED_OTHERWISE_TWO_EDITS_LETTERS {
            2
        } else {
            1
        };
        if letters < SPELLED_OTHERWISE_MIN_LETTERS
            || spelled.chars().count().abs_diff(letters) > most_edits
            || is_generic(word)
            || strsim::osa_distance(spelled, word) > most_edits
            || self.entries_with_token(word, ONE_WORD_HELD_MAX_RECORDS) > ONE_WORD_HELD_MAX_RECORDS
        {
            return None;
        }
        let entry = entry().and_then(|e| self.entries.get(e as usize))?;
        matches!(entry.kind, EntryKind::Entity | EntryKind::Unknown).then_some(ONE_WORD_HELD_SCORE)
    }

    /// [`ONE_WORD_HELD_SCORE`] when the listed company's name has one word of its own, the
    /// rest words that say nothing of who it is ([`says_nothing_of_who`]: generic business
    /// words and words naming goods among them), and the query is that word with words naming
    /// a part or the whole of a firm only ([`names_a_part_of_a_firm`]), others than the listed
    /// ones (`Kalashnikov Group`, `Kalashnikov Holding` for `KALASHNIKOV CONCERN`), or with
    /// words of the listed name itself (`Altynprom`, `Altynprom LLP`, `Altynprom Trading` for
    /// `ALTYNPROM MACHINERY TRADING LLP`: its trade words left out), or with business words too
    /// when the listed name states no trade of its own (`Kalashnikov Trading GmbH`,
    /// `Kalashnikov Handels GmbH`): a firm's own word with its generic word swapped or left out
    /// is the firm as a branch, a translation or its own letterhead writes it. The word must be as
    /// long and as rare as a one-word listed name held must be (in at most
    /// [`ONE_WORD_HELD_MAX_RECORDS`] entries); not a person's name. `firm_words` is
    /// [`FirmWords::of`] the query.
    fn own_word_with_other_generic_words<S: AsRef<str>>(
        &self,
        query: &[String],
        firm_words: FirmWords,
        tokens: &[S],
        entry: impl FnOnce() -> Option<u32>,
    ) -> Option<f64> {
        if tokens.len() < 2 || query.is_empty() {
            return None;
        }
        // Asked of every candidate: the query's side, known before its candidates are, rules
        // out most of them before the listed words are looked up one by one.
        match firm_words {
            FirmWords::Several => return None,
            FirmWords::One(w) if !tokens.iter().any(|t| t.as_ref() == w) => return None,
            _ => {}
        }
        let mut own = tokens
            .iter()
            .map(|t| -> &str { t.as_ref() })
            .filter(|t| !says_nothing_of_who(t));
        let (Some(word), None) = (own.next(), own.next()) else {
            return None;
        };
        // A listed trade (`INDUSTRIES`) and another in the query (`Engineering`) may be two
        // firms of one family name; a listed name that states no trade (`CONCERN`) is the
        // same firm with one added (`Kalashnikov Trading GmbH`).
        let states_a_trade = tokens
            .iter()
            .any(|t| t.as_ref() != word && !names_a_part_of_a_firm(t.as_ref()));
        if !query.iter().any(|q| q.as_str() == word)
            || !query.iter().all(|q| {
                q.as_str() == word
                    || names_a_part_of_a_firm(q)
                    || tokens.iter().any(|t| same_trade_word(t.as_ref(), q))
                    || (!states_a_trade && is_business_word(q))
            })
            || word.chars().count() < ONE_WORD_HELD_MIN_LETTERS
            || self.entries_with_token(word, ONE_WORD_HELD_MAX_RECORDS) > ONE_WORD_HELD_MAX_RECORDS
        {
            return None;
        }
        let entry = entry().and_then(|e| self.entries.get(e as usize))?;
        matches!(entry.kind, EntryKind::Entity | EntryKind::Unknown).then_some(ONE_WORD_HELD_SCORE)
    }

    /// How many entries (at most `most` + 1, counting stops there) have a name holding
    /// `word`: a firm listed with several aliases (`ROSOBORONEXPORT`, `ROSOBORONEXPORT JSC`,
    /// `OJSC ROSOBORONEXPORT`) holds its word in several names, and is still one firm.
    fn entries_with_token(&self, word: &str, most: usize) -> usize {
        let records = self.postings.records_of_token(word);
        if records.len() <= most {
            return records.len();
        }
        let mut seen: Vec<u32> = Vec::with_capacity(most + 1);
        for &ri in records {
            let Some(e) = self.names.entry_of(ri) else {
                continue;
            };
            if !seen.contains(&e) {
                seen.push(e);
                if seen.len() > most {
                    break;
                }
            }
        }
        seen.len()
    }

    /// [`CONTAINED_NAME_SCORE`] when the query is, or holds together, a listed company's name
    /// less a legal-form word inside it (`is_legal_form_word`) that the query leaves out:
    /// `Zhongshan Aviation Spare Parts Ltd` (of Ankara) for `ZHONGSHAN COMPANY FOR AVIATION
    /// SPARE PARTS` (of Syria), `for` left out with `company`. Normalising cuts legal forms
    /// from a name's ends only, so the word inside stayed a listed word the query lacked, and
    /// with another country the alignment fell below review. What is left must be two words or
    /// more, one of them not a generic business word, as for a name held whole; not a
    /// person's name.
    fn without_legal_form_word<S: AsRef<str>>(
        &self,
        query: &[String],
        tokens: &[S],
        facts: &[TokenFacts],
        entry: impl FnOnce() -> Option<u32>,
    ) -> Option<f64> {
        // Asked of every candidate: most have a word the query lacks that is no legal form.
        // The `for` of `COMPANY FOR ...` (a listing's rendering of an Arabic firm's name) goes
        // with the legal-form word before it.
        let (mut left_out, mut after_form) = (false, false);
        for (i, t) in tokens.iter().enumerate() {
            let t = t.as_ref();
            if query.iter().any(|q| q.as_str() == t) {
                after_form = false;
            } else if facts.get(i).is_some_and(|f| f.legal_form_word) {
                (left_out, after_form) = (true, true);
            } else if after_form && t == "for" {
                after_form = false;
            } else {
                return None;
            }
        }
        if !left_out {
            return None;
        }
        let rest: Vec<&str> = tokens
            .iter()
            .map(AsRef::as_ref)
            .filter(|t| query.iter().any(|q| q.as_str() == *t))
            .collect();
        if rest.len() < 2 || rest.iter().all(|t| is_generic(t)) || !stand_together(query, &rest) {
            return None;
        }
        let entry = entry().and_then(|e| self.entries.get(e as usize))?;
        (entry.kind != EntryKind::Person).then_some(CONTAINED_NAME_SCORE)
    }

    /// [`Self::holds_listed`] for the listed name as it is: [`StepKind::BranchOfListedName`]
    /// when the other words name a branch or office of it ([`names_a_branch`]).
    fn holds_listed_whole<S: AsRef<str>>(
        &self,
        query: &[String],
        tokens: &[S],
        entry: impl FnOnce() -> Option<u32>,
    ) -> Option<(f64, StepKind)> {
        // The entry's kind last: asked for every candidate of every query, a look-up in the
        // entries (a cache miss each) costs more than the token tests that rule most out.
        if tokens.len() >= query.len() || !stand_together(query, tokens) {
            return None;
        }
        let kind = || {
            entry()
                .and_then(|e| self.entries.get(e as usize))
                .map(|e| e.kind)
        };
        match tokens {
            [word] => {
                let word = word.as_ref();
                let letters = word.chars().count();
                // Beside words that say nothing of who the firm is (`IRISL Branch`, `HESA
                // Representative Office`), the word may be shorter and in a few more listed
                // names: the other names holding it are mostly the firm's own branches.
                let beside_generic = query
                    .iter()
                    .filter(|q| q.as_str() != word)
                    .all(|q| names_a_part_of_a_firm(q));
                let (min_letters, most) = if beside_generic {
                    (
                        ONE_WORD_BESIDE_GENERIC_MIN_LETTERS,
                        ONE_WORD_BESIDE_GENERIC_MAX_ENTRIES,
                    )
                } else {
                    (ONE_WORD_HELD_MIN_LETTERS, ONE_WORD_HELD_MAX_RECORDS)
                };
                (letters >= min_letters
                    && !is_generic(word)
                    && self.entries_with_token(word, most) <= most
                    && kind().is_some_and(|k| matches!(k, EntryKind::Entity | EntryKind::Unknown)))
                .then_some((ONE_WORD_HELD_SCORE, StepKind::HoldsListedName))
            }
            _ => {
                if !(tokens.iter().any(|t| !is_generic(t.as_ref()))
                    && kind().is_some_and(|k| k != EntryKind::Person))
                {
                    return None;
                }
                Some(if names_a_branch(query, tokens) {
                    (BRANCH_OF_LISTED_SCORE, StepKind::BranchOfListedName)
                } else {
                    (CONTAINED_NAME_SCORE, StepKind::HoldsListedName)
                })
            }
        }
    }

    /// The name score the query earns by being, or holding in a row, a listed company's name
    /// less its words that name a country (`country_words`):
    /// [`CONTAINED_NAME_SCORE`] for `Ryonbong General Corp` (of Dandong) against `KOREA
    /// RYONBONG GENERAL CORPORATION` (of North Korea). A front or a branch abroad drops the
    /// country from its name, and another country then lowered the alignment's score (a word
    /// short) below review. What is left must still be the firm's own: two words that are not
    /// generic business words, or one that is as rare and long as a one-word listed name held
    /// must be ([`Self::holds_listed_whole`]), or three words or more held together (in any
    /// order) with one of them not generic ([`MIN_HELD_REST_WORDS`]: `mining development
    /// trading` of KOMID): `IRAN AIRCRAFT INDUSTRIES` less `iran` is many firms' name. When
    /// what is left
    /// is that one word and at most one generic word, the query holding the word alone
    /// (`Ryonbong Co., Ltd.`) earns [`ONE_WORD_HELD_SCORE`], as a one-word listed name held
    /// does (`mining` of `KOREA MINING DEVELOPMENT TRADING` is too little of it). A query
    /// that keeps every country word of the listed name is left to alignment and
    /// [`Self::holds_listed_whole`]. Not a person's name. Whichever country
    /// the word names: a front in Dubai listed as `IRAN ...` drops `iran` as readily.
    fn without_own_country<S: AsRef<str>>(
        &self,
        query: &[String],
        tokens: &[S],
        facts: &[TokenFacts],
        entry: impl FnOnce() -> Option<u32>,
    ) -> Option<f64> {
        // A token without facts (none are missing) counts as an ordinary word: no match.
        let country = |i: usize| facts.get(i).is_some_and(|f| f.country_word);
        let legal = |i: usize| facts.get(i).is_some_and(|f| f.legal_form_word);
        // Asked of every candidate: a country word must be left out, and every form below
        // leaves at most one other word of the listed name out of the query. The query's few
        // tokens are looked through first, so most candidates are ruled out after a second
        // such word with a country look-up or two.
        let (mut absent, mut dropped) = (0usize, false);
        for (i, t) in tokens.iter().enumerate() {
            let t = t.as_ref();
            if query.iter().any(|q| q.as_str() == t) {
                continue;
            }
            if country(i) {
                dropped = true;
            } else if !legal(i) {
                absent += 1;
                if absent > 1 {
                    return None;
                }
            }
        }
        if !dropped {
            return None;
        }
        // A legal-form word inside the listed name that the query does not have is left out
        // with the country: `MiG Aircraft LLC` of Astana, or `MiG Aircraft Corporation` (its
        // `corporation` cut as its legal form), holds `RUSSIAN AIRCRAFT CORPORATION MIG`
        // less `russian` and `corporation`.
        let rest: Vec<&str> = tokens
            .iter()
            .enumerate()
            .filter(|&(i, t)| {
                !country(i) && (!legal(i) || query.iter().any(|q| q.as_str() == t.as_ref()))
            })
            .map(|(_, t)| t.as_ref())
            .collect();
        let held = stand_together(query, &rest);
        let mut distinctive = rest.iter().filter(|t| !is_generic(t));
        let rare = |word: &str| {
            word.chars().count() >= ONE_WORD_HELD_MIN_LETTERS
                && self.postings.records_with_token(word) <= ONE_WORD_HELD_MAX_RECORDS
        };
        let score = match (distinctive.next(), distinctive.next()) {
            (Some(_), Some(_)) if held => CONTAINED_NAME_SCORE,
            // Three words or more of the listed name together, one of them its own: a name
            // that long, copied word for word, is the firm's name, not a description.
            (Some(_), None) if held && rest.len() >= MIN_HELD_REST_WORDS => CONTAINED_NAME_SCORE,
            (Some(word), None) if rare(word) => {
                if held {
                    CONTAINED_NAME_SCORE
                } else if rest.len() <= 2 && query.iter().any(|q| q.as_str() == *word) {
                    ONE_WORD_HELD_SCORE
                } else {
                    return None;
                }
            }
            _ => return None,
        };
        let entry = entry().and_then(|e| self.entries.get(e as usize))?;
        (entry.kind != EntryKind::Person).then_some(score)
    }

    /// Whether the query's own words (`core`: its tokens that are not generic business
    /// words), two or more, stand in a row inside `record`'s name, a company's (not a
    /// person's: people share names) that has more such words: the listed name with words left
    /// out (`Dandong Zhicheng Co Ltd` in `DANDONG ZHICHENG METALLIC MATERIAL CO., LTD.`). In
    /// a row, so that words taken from all over a long name make no match. `tokens` and
    /// `entry` are the listed name's, unpacked or read in place.
    fn part_of_listed<S: AsRef<str>>(
        &self,
        core: &[&str],
        tokens: &[S],
        entry: impl FnOnce() -> Option<u32>,
    ) -> bool {
        let listed_words = || tokens.iter().filter(|t| !is_generic(t.as_ref())).count();
        core.len() >= 2
            && tokens.len() > core.len()
            && tokens
                .windows(core.len())
                .any(|w| w.iter().zip(core).all(|(t, q)| t.as_ref() == *q))
            && listed_words() > core.len()
            && entry()
                .and_then(|e| self.entries.get(e as usize))
                .is_some_and(|e| e.kind != EntryKind::Person)
    }

    /// Records whose name is the query's with one word changed for a listed word one edit
    /// from it (letters and digits together, legal forms left out: the compact form
    /// [`Screener::records_by_compact`] finds), however many listed names hold either word.
    ///
    /// The vote ranks such a name below the names holding the query's word as written
    /// ([`Postings::select`]), and brings in a neighbour's records whatever their rank only
    /// when the neighbour is uncommon. A diverter writing `Marine LLC` for `MARINA LLC` in a
    /// list where hundreds of names hold `marine` and hundreds `marina` buried the listed
    /// party below the cut. A few hash look-ups per query word; none for a query of more than
    /// [`MAX_TOKENS`](crate::screening::score::MAX_TOKENS) words, as each look-up's key is the
    /// whole name.
    fn one_word_changed(&self, tokens: &[String]) -> Vec<u32> {
        let mut out = Vec::new();
        if tokens.len() > crate::screening::score::MAX_TOKENS {
            return out;
        }
        let mut words: Vec<&str> = Vec::new();
        let mut key = String::new();
        for (i, word) in tokens.iter().enumerate() {
            words.clear();
            self.postings.one_edit_words(word, &mut words);
            for listed in &words {
                key.clear();
                for (j, t) in tokens.iter().enumerate() {
                    key.push_str(if j == i { listed } else { t });
                }
                out.extend(self.records_by_compact(&key).map(|(ri, _)| ri));
            }
        }
        out
    }

    /// Records whose compact form equals one of the query's, also after legal forms are cut
    /// from the start or end of the query's folded tokens (`m a h a n a i r l t d`); each
    /// scores 1. A cut falls on token boundaries only, so `Asahi` is never read as `as` +
    /// `ahi`. Cheap (a few hash look-ups), so it runs outside the cache.
    fn compact_matches(&self, query: &NormalizedName) -> Vec<Scored> {
        let mut keys = compact_keys(query);
        keys.extend(legal_form_cuts(&query.folded));
        keys.extend(glued_legal_form_cuts(&query.compact()));
        keys.sort_unstable();
        keys.dedup();
        let mut records: Vec<(u32, &str)> = Vec::new();
        for key in &keys {
            records.extend(
                self.records_by_compact(key)
                    .map(|(ri, _)| (ri, key.as_str())),
            );
        }
        records.sort_unstable();
        records.dedup_by_key(|r| r.0);
        records
            .into_iter()
            .map(|(ri, key)| Scored {
                record: ri,
                score: 1.0,
                pairs: vec![TokenPair {
                    query: key.to_string(),
                    candidate: key.to_string(),
                    similarity: 1.0,
                }],
                reading: None,
                raised_by: None,
                origin: NameOrigin::of(StepKind::SameLetters, 1.0),
            })
            .collect()
    }
}

impl Screener {
    /// The records whose name has `key` as one of its compact forms (`compact_keys`): its
    /// letters and digits as written, or less titles, connectives and legal forms.
    pub(super) fn records_by_compact<'s>(
        &'s self,
        key: &'s str,
    ) -> impl Iterator<Item = (u32, &'s NameRecord)> + 's {
        let hash = compact_hash(key);
        let from = self.compact_index.partition_point(|&(h, _)| h < hash);
        self.compact_index[from..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .filter_map(move |&(_, ri)| {
                let r = self.names.get(ri)?;
                compact_keys(&r.name)
                    .iter()
                    .any(|k| k == key)
                    .then_some((ri, r))
            })
    }
}

#[cfg(test)]
mod tests {
    //! The name cache answers a screen only from an entry computed at its floor or lower.

    use super::*;

    fn entries() -> Vec<Entry> {
        [
            "Volga Trading",
            "Volga Tradin",
            "Volga Shipping Trading",
            "Volgar Trade",
            "Volga River Trading House",
            "Olga Trading",
            "Volga",
        ]
        .iter()
        .enumerate()
        .map(|(i, n)| Entry::new("L", "L", &i.to_string(), EntryKind::Entity, n))
        .collect()
    }

    fn scores(s: &Screener, name: &str, min: f64) -> Vec<(String, f64)> {
        s.screen(&Query::new(name), min)
            .into_iter()
            .map(|m| (m.entry_id, m.score))
            .collect()
    }

    #[test]
    fn a_cached_name_answers_only_screens_at_its_floor_or_above() {
        let uncached = ScreenerConfig {
            cache_capacity: 0,
            ..ScreenerConfig::default()
        };
        let fresh = Screener::build_with(entries(), uncached);
        let cached = Screener::build(entries());
        let mins = [0.95, 0.9, 0.6, 0.75, 0.55, 0.9, 0.6, 1.0];
        for name in [
            "Volga Trading",
            "Volga Trade",
            "Volga Shipping",
            "Olga Tradin",
        ] {
            for min in mins {
                assert_eq!(
                    scores(&cached, name, min),
                    scores(&fresh, name, min),
                    "{name} at {min}"
                );
            }
        }
        // The lower screens find names the higher ones leave out, so an entry of a higher
        // floor answering them would be seen.
        let (high, low) = (
            scores(&fresh, "Volga Trading", 0.9),
            scores(&fresh, "Volga Trading", 0.6),
        );
        assert!(low.len() > high.len(), "{low:?} against {high:?}");
        // A name first screened at a high floor, then at a lower one.
        let cached = Screener::build(entries());
        assert_eq!(scores(&cached, "Volga Trading", 0.9), high);
        assert_eq!(scores(&cached, "Volga Trading", 0.6), low);
        assert_eq!(cached.cache_len(), 1, "the entry is replaced");
    }
}
