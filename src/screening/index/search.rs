//! The names one normalised query name is scored against, and their name scores: candidates
//! of the index aligned token by token (after the score ceiling rules most out), listed names
//! cut at a field's length, listed company names held whole, and names equal up to spacing and
//! punctuation; cached per query name and kind.

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
    /// rest words that say nothing of who it is ([`says_nothing_of_who`]), and the query is
    /// that word with words naming a part or the whole of a firm only
    /// ([`names_a_part_of_a_firm`]), others than the listed ones (`Kalashnikov Group`,
    /// `Kalashnikov Holding` for `KALASHNIKOV CONCERN`), or with generic business words too
    /// when the listed name states no trade of its own (`Kalashnikov Trading GmbH`,
    /// `Kalashnikov Handels GmbH`): a firm's own word with its generic word swapped is the
    /// firm as a branch or a translation writes it. The word must be as
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
                    || (!states_a_trade && is_generic(q))
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

    /// Names scored as a listed person's surname with initials (`Deripaska O.V.`, `Дерипаска
    /// О.В.`, `I. Sechin`), as Russian documents write a person: the query's one word that is
    /// no initial equals a listed name's word (of a person's entry, or one of no stated
    /// kind), and its initials agree in order with the first letters of that name's other
    /// words (`oleg vladimirovich`). Folding drops the dots, so `O.V.` was one word `ov` and
    /// such a name scored far below review. [`INITIALS_FULL_SCORE`] when two initials or more
    /// agree with every other listed word, [`INITIALS_ONE_SCORE`] when one initial agrees
    /// with the only one, [`INITIALS_PART_SCORE`] when fewer agree (a listed patronymic the
    /// query leaves out) or the query gives one the list does not (`Rotenberg A.R.` for
    /// `ROTENBERG, Arkady`).
    fn initials_matches(&self, query: &NormalizedName) -> Vec<Scored> {
        let Some((surname, initials)) = surname_and_initials(&query.original) else {
            return Vec::new();
        };
        let records = self.postings.records_of_token(&surname);
        if records.len() > MAX_INITIALS_RECORDS {
            return Vec::new();
        }
        let mut out = Vec::new();
        for &ri in records {
            let Some(r) = self.names.get(ri) else {
                continue;
            };
            let person = self
                .entries
                .get(r.entry as usize)
                .is_some_and(|e| matches!(e.kind, EntryKind::Person | EntryKind::Unknown));
            if !person {
                continue;
            }
            let Some((score, pairs)) = initials_agree(&surname, &initials, &r.name.tokens) else {
                continue;
            };
            out.push(Scored {
                record: ri,
                score,
                pairs,
                reading: None,
                raised_by: None,
                origin: NameOrigin::of(StepKind::SurnameAndInitials, score),
            });
        }
        out
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

/// Most listed names holding a surname that [`Screener::initials_matches`] looks through: a
/// surname in more is too common for initials to single anyone out.
const MAX_INITIALS_RECORDS: usize = 512;

/// Words that say nothing of who a firm is: generic business words, legal forms, words
/// naming a country, and the words of a branch or an office (`Branch`, `Representative
/// Office`, `Filial`, `Concern`, `Zavod`).
fn says_nothing_of_who(word: &str) -> bool {
    const BRANCH_WORDS: &[&str] = &[
        "affiliate",
        "branch",
        "branches",
        "concern",
        "department",
        "division",
        "filial",
        "filiale",
        "kombinat",
        "kontsern",
        "konzern",
        "office",
        "offices",
        "predstavitelstvo",
        "rep",
        "representation",
        "representative",
        "subsidiary",
        "zavod",
    ];
    is_generic(word)
        || BRANCH_WORDS.contains(&word)
        || super::super::normalize::is_legal_form_word(word)
        || super::super::country_words::is_country_word(word)
}

/// Words that name a branch or an office of a firm, in the languages of the export:
/// `Representative Office`, `Niederlassung`, `Sucursal`, `Şube`, `Predstavitelstvo`.
const BRANCH_OFFICE_WORDS: &[&str] = &[
    "branch",
    "branches",
    "bureau",
    "buero",
    "buro",
    "filial",
    "filiala",
    "filiale",
    "niederlassung",
    "oficina",
    "ofis",
    "office",
    "predstavitelstvo",
    "rep",
    "representation",
    "representative",
    "sube",
    "succursale",
    "sucursal",
    "ufficio",
    "zweigniederlassung",
];

/// Words that join a branch to its place or its firm (`in Hamburg`, `der Bank`, `de la`).
const PLACE_CONNECTIVES: &[&str] = &[
    "at", "da", "de", "del", "der", "des", "di", "du", "en", "fur", "in", "la",
];

/// Whether the query's words beside a listed name it holds whole (`tokens`) name a branch or
/// an office of it: a branch or office word among them, and besides it only words naming a
/// part of a firm ([`names_a_part_of_a_firm`]) and at most one other word, the place it is in
/// (`Bank Saderat Iran Hamburg Branch`, `Representative Office of Bank Melli Iran in
/// Frankfurt`), which may not be a generic business word: `Bank Saderat Trading Office`
/// names a business beside the listed one.
fn names_a_branch<S: AsRef<str>>(query: &[String], tokens: &[S]) -> bool {
    let mut listed: Vec<&str> = tokens.iter().map(AsRef::as_ref).collect();
    let mut branch = false;
    let mut place = false;
    for word in query {
        if let Some(at) = listed.iter().position(|t| *t == word.as_str()) {
            listed.swap_remove(at);
        } else if BRANCH_OFFICE_WORDS.contains(&word.as_str()) {
            branch = true;
        } else if names_a_part_of_a_firm(word) || PLACE_CONNECTIVES.contains(&word.as_str()) {
            continue;
        } else if place
            || is_generic(word)
            || word.chars().count() < 3
            || !word.chars().all(char::is_alphabetic)
        {
            return false;
        } else {
            place = true;
        }
    }
    branch
}

/// Words that name a part or the whole of a firm, not its trade: a branch or an office's
/// words ([`says_nothing_of_who`]), `group`, `holding`, `international` and the like, legal
/// forms and country words. What the query may add to a listed firm's own word for
/// [`Screener::own_word_with_other_generic_words`] and for a one-word listed name in a few
/// more entries: `Darsto Engineering` for a listed `DARSTO INDUSTRIES` names another trade,
/// and may be another firm.
fn names_a_part_of_a_firm(word: &str) -> bool {
    const STRUCTURE_WORDS: &[&str] = &[
        "company",
        "corporation",
        "enterprise",
        "enterprises",
        "global",
        "group",
        "holding",
        "holdings",
        "international",
        "intl",
        "worldwide",
    ];
    (says_nothing_of_who(word) && !is_generic(word)) || STRUCTURE_WORDS.contains(&word)
}

/// What [`Screener::own_word_with_other_generic_words`] asks of the query alone: its words
/// that name no part of a firm ([`names_a_part_of_a_firm`]) and are no generic business word.
/// The listed name's one own word must be the query's every such word, so a query of two
/// different ones holds no listed firm's word that way, and a query of one holds only a name
/// that has that word.
#[derive(Debug, Clone, Copy)]
enum FirmWords<'q> {
    /// Every word of the query names a part of a firm or is a generic business word.
    None,
    /// One word (perhaps repeated) names none.
    One(&'q str),
    /// Two different words name none.
    Several,
}

/// The query's one word that may be a one-word listed company name spelled another way
/// (`Screener::one_word_spelled_otherwise`): the query has other words, all generic business
/// words or words naming a part or the whole of a firm, and this one word besides, of
/// [`SPELLED_OTHERWISE_MIN_LETTERS`] letters or more.
fn spelled_word(query: &[String]) -> Option<&str> {
    if query.len() < 2 {
        return None;
    }
    let mut own = query
        .iter()
        .filter(|q| !is_generic(q) && !names_a_part_of_a_firm(q));
    match (own.next(), own.next()) {
        (Some(word), None) if word.chars().count() >= SPELLED_OTHERWISE_MIN_LETTERS => Some(word),
        _ => None,
    }
}

impl<'q> FirmWords<'q> {
    fn of(query: &'q [String]) -> FirmWords<'q> {
        let mut out = FirmWords::None;
        for q in query
            .iter()
            .filter(|q| !names_a_part_of_a_firm(q) && !is_generic(q))
        {
            match out {
                FirmWords::None => out = FirmWords::One(q),
                FirmWords::One(w) if w != q.as_str() => return FirmWords::Several,
                _ => {}
            }
        }
        out
    }
}

/// The surname and initials a person's name is written with (`Deripaska O.V.`, `Дерипаска
/// О. В.`, `I. Sechin`): one word that is no initial (folded, three letters or more) and one
/// to three initials, each a letter followed by a dot (the last dot of `O.V` may be left
/// out) or a letter standing alone; each initial as the first letters its folded spellings
/// may start with (`Е` is `E` or `Ye`, `Ю` is `Yu` or `Iu`). `None` for anything else.
fn surname_and_initials(name: &str) -> Option<(String, Vec<Vec<char>>)> {
    let mut surname: Option<String> = None;
    let mut initials: Vec<Vec<char>> = Vec::new();
    for word in name
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
    {
        if let Some(letters) = initials_in(word) {
            initials.extend(letters);
            if initials.len() > 3 {
                return None;
            }
            continue;
        }
        let folded = fold(word);
        if surname.is_some() || folded.contains(' ') || folded.chars().count() < 3 {
            return None;
        }
        surname = Some(folded);
    }
    if initials.is_empty() {
        return None;
    }
    Some((surname?, initials))
}

/// The initials `word` writes (`O.V.`, `O.`, `A.R`, `I`), each as the first letters it may
/// stand for; `None` when it is not initials.
fn initials_in(word: &str) -> Option<Vec<Vec<char>>> {
    let chars: Vec<char> = word.chars().collect();
    let (mut out, mut dots, mut i) = (Vec::new(), 0usize, 0usize);
    while let Some(&c) = chars.get(i) {
        if !c.is_alphabetic() || out.len() >= 3 {
            return None;
        }
        out.push(first_letters(c)?);
        i += 1;
        match chars.get(i) {
            Some('.') => {
                dots += 1;
                i += 1;
            }
            Some(_) => return None,
            None => {}
        }
    }
    (!out.is_empty() && (dots + 1 >= out.len()) && (dots > 0 || out.len() == 1)).then_some(out)
}

/// The first letters a listed spelling of a name starting with `initial` may have.
fn first_letters(initial: char) -> Option<Vec<char>> {
    let folded = fold(&initial.to_string());
    let mut letters: Vec<char> = folded.chars().next().into_iter().collect();
    let more: &[char] = match initial.to_lowercase().next()? {
        'е' | 'ё' | 'э' => &['e', 'y'],
        'ю' | 'я' | 'й' => &['y', 'i', 'j'],
        'х' => &['k', 'h'],
        'г' => &['g', 'h'],
        'и' => &['i', 'y'],
        _ => &[],
    };
    letters.extend(more.iter().copied());
    (!letters.is_empty()).then_some(letters)
}

/// The score of a listed name (`tokens`) written as `surname` with `initials`, and the pairs
/// shown for it: `surname` one of its words, the others (less particles and single letters)
/// starting, in order, with the initials.
fn initials_agree(
    surname: &str,
    initials: &[Vec<char>],
    tokens: &[String],
) -> Option<(f64, Vec<TokenPair>)> {
    let at = tokens.iter().position(|t| t == surname)?;
    let given: Vec<&str> = tokens
        .iter()
        .enumerate()
        .filter(|&(i, t)| i != at && !super::super::score::is_particle(t))
        .map(|(_, t)| t.as_str())
        .collect();
    if given.is_empty() {
        return None;
    }
    let agree = initials
        .iter()
        .zip(&given)
        .all(|(i, g)| g.chars().next().is_some_and(|c| i.contains(&c)));
    if !agree {
        return None;
    }
    let score = match initials.len().cmp(&given.len()) {
        std::cmp::Ordering::Equal if initials.len() >= 2 => INITIALS_FULL_SCORE,
        std::cmp::Ordering::Equal => INITIALS_ONE_SCORE,
        _ => INITIALS_PART_SCORE,
    };
    let mut pairs = vec![TokenPair {
        query: surname.to_string(),
        candidate: surname.to_string(),
        similarity: 1.0,
    }];
    pairs.extend(initials.iter().zip(&given).map(|(i, g)| TokenPair {
        query: i.first().map(char::to_string).unwrap_or_default(),
        candidate: (*g).to_string(),
        similarity: score,
    }));
    Some((score, pairs))
}

/// Whether `words` stand together in `query`: some run of as many of its tokens holds exactly
/// them, in any order (`MiG Aircraft Corporation` holds `aircraft corporation mig`). Together,
/// because a word inside a listed name makes another name (`Zelmi Kaan Trading` is not
/// `Zelmi Trading`); in any order, because the same words reordered are the same firm's name
/// (an export's or a translation's word order), and alignment charged the move. Asked of every
/// candidate: most leave a word out of the query, found before any run is looked at.
fn stand_together<S: AsRef<str>>(query: &[String], words: &[S]) -> bool {
    let n = words.len();
    if n == 0 || n > query.len() {
        return false;
    }
    if !words
        .iter()
        .all(|w| query.iter().any(|q| q.as_str() == w.as_ref()))
    {
        return false;
    }
    // A run of `n` tokens is the words reordered when each word is in it as often as in them.
    query.windows(n).any(|run| {
        words.iter().all(|w| {
            let w = w.as_ref();
            run.iter().filter(|q| q.as_str() == w).count()
                == words.iter().filter(|x| x.as_ref() == w).count()
        })
    })
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

    fn together(query: &str, words: &str) -> bool {
        let query: Vec<String> = query.split(' ').map(str::to_string).collect();
        let words: Vec<&str> = words.split(' ').collect();
        stand_together(&query, &words)
    }

    /// Listed words stand together in any order, never with another word among them, and a
    /// word the listed name repeats must be there as often.
    #[test]
    fn listed_words_stand_together_in_any_order_but_not_apart() {
        assert!(together("khodro iran parts", "iran khodro"));
        assert!(together("parts iran khodro", "iran khodro"));
        assert!(together(
            "corporation mig aircraft",
            "aircraft corporation mig"
        ));
        assert!(!together("khodro parts iran", "iran khodro"));
        assert!(!together("zelmi kaan trading", "zelmi trading"));
        assert!(!together("bank bank saderat", "bank saderat saderat"));
        assert!(together("x saderat bank saderat", "saderat bank saderat"));
        assert!(!together("iran", "iran khodro"));
    }

    /// A surname with initials is read in the forms Russian documents write it, and nothing
    /// else is: two words of a name, a word of two letters, initials alone.
    #[test]
    fn a_surname_with_initials_is_read_only_in_that_form() {
        let read = |name: &str| {
            surname_and_initials(name).map(|(surname, initials)| {
                let firsts: String = initials.iter().filter_map(|i| i.first()).collect();
                (surname, firsts)
            })
        };
        let some = |s: &str, i: &str| Some((s.to_string(), i.to_string()));
        assert_eq!(read("Deripaska O.V."), some("deripaska", "ov"));
        assert_eq!(read("Deripaska O. V."), some("deripaska", "ov"));
        assert_eq!(read("Дерипаска О.В."), some("deripaska", "ov"));
        assert_eq!(read("I. Sechin"), some("sechin", "i"));
        assert_eq!(read("Sechin, I."), some("sechin", "i"));
        assert_eq!(read("Rotenberg A.R"), some("rotenberg", "ar"));
        assert_eq!(read("Oleg Deripaska"), None);
        assert_eq!(read("O.V."), None);
        assert_eq!(read("Deripaska OV"), None);
        assert_eq!(read("Deripaska Oleg V."), None);
        assert_eq!(read("Ng A.B."), None);
        assert_eq!(read("Deripaska A.B.C.D."), None);
    }

    /// Initials agree with the listed given names in order; all of two or more block, one
    /// of one or fewer than listed review, others meet nothing.
    #[test]
    fn initials_agree_with_the_listed_given_names_in_order() {
        let tokens = |n: &str| n.split(' ').map(str::to_string).collect::<Vec<_>>();
        let score = |name: &str, listed: &str| {
            let (surname, initials) = surname_and_initials(name)?;
            initials_agree(&surname, &initials, &tokens(listed)).map(|(s, _)| s)
        };
        let deripaska = "deripaska oleg vladimirovich";
        assert_eq!(
            score("Deripaska O.V.", deripaska),
            Some(INITIALS_FULL_SCORE)
        );
        assert_eq!(
            score("Дерипаска О.В.", deripaska),
            Some(INITIALS_FULL_SCORE)
        );
        assert_eq!(score("Deripaska O.", deripaska), Some(INITIALS_PART_SCORE));
        assert_eq!(score("Deripaska V.O.", deripaska), None);
        assert_eq!(score("Deripaska A.B.", deripaska), None);
        assert_eq!(score("Sechin I.", "sechin igor"), Some(INITIALS_ONE_SCORE));
        assert_eq!(
            score("Rotenberg A.R.", "rotenberg arkady"),
            Some(INITIALS_PART_SCORE)
        );
        assert_eq!(score("Rotenberg A.R.", "rotenberg roman"), None);
        assert_eq!(score("Petrov A.", "deripaska oleg"), None);
        // `Е` may be written `E` or `Ye`.
        assert_eq!(
            score("Иванов Е.", "ivanov yevgeniy"),
            Some(INITIALS_ONE_SCORE)
        );
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
