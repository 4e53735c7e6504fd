//! A compiled set of case-insensitive patterns (`contains_any` words, a `matches_list` column),
//! asked whether any pattern matches a text and which.
//!
//! The set is what `regex::RegexSet`'s matcher (`regex_automata::meta`, configured as
//! `RegexSet` configures it: every pattern's matches, UTF-8, no captures) runs for these two
//! questions, and nothing else: one forward NFA, the lazy DFA over it, and the PikeVM for a
//! text the lazy DFA gives up on (a `\b` beside a letter outside ASCII, a cache cleared too
//! often), falling back as the meta matcher does. Left out, because only searches for where a
//! match starts use them: the meta matcher's reverse NFAs (44 NFAs for the pack's 12 sets,
//! half of building the default pack). Left out too: `regex`'s literal prefilter, for
//! case-insensitive word lists an Aho-Corasick automaton over every case variant of every
//! literal, as dear to build again; the texts these sets see are short (names, descriptions),
//! so the lazy DFA scans them as fast without it. The unit tests compare the answers with the
//! meta matcher's.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::nfa::thompson::pikevm::{Cache as PikeCache, PikeVM};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::Pool;
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind};

/// A compiled, case-insensitive set of patterns; cheap to clone (a handle to one set).
#[derive(Clone)]
pub struct PatternSet {
    matcher: Arc<Matcher>,
    /// Which compiled set this is, unique in the process: what a memo of its answers is keyed
    /// by. Not its address, which a set compiled after this one is dropped (a pack reloaded
    /// by `serve`, the packs of a rule-test run) may be given again.
    id: u64,
    /// The patterns that do not count where the text says the opposite ([`Exception`]).
    exceptions: Arc<[Exception]>,
}

/// A pattern of a set that reads the text with every match of `unless` left out: `no
/// re-export to Iran` (a ban, which EU and US contracts now write) says nothing of a re-export
/// planned, while `for resale in Russia; no re-export to Iran` still says resale. Asked only of
/// a text the pattern matched, which few texts are, so both are compiled when first asked:
/// compiled at load, the default pack's four took 22 M instructions of a start of 160 M.
struct Exception {
    /// The pattern's index in the set.
    pattern: usize,
    unless: String,
    own: String,
    size_limit: usize,
    compiled: std::sync::OnceLock<Option<(regex::Regex, Pattern)>>,
}

impl Exception {
    /// Whether the pattern still matches `text` with the exception's matches left out. An
    /// exception that does not compile (written wrong, or over the size limit; the validator
    /// checks the syntax at load) leaves the pattern matching: a text is never cleared by an
    /// exception that cannot be read.
    fn still_matches(&self, text: &str) -> bool {
        let compiled = self.compiled.get_or_init(|| {
            let unless = regex::RegexBuilder::new(&self.unless)
                .case_insensitive(true)
                .size_limit(self.size_limit)
                .build()
                .ok()?;
            let own = Pattern::new(&self.own, false, self.size_limit).ok()?;
            Some((unless, own))
        });
        let Some((unless, own)) = compiled else {
            return true;
        };
        // Only what the exception matched is left out: an empty match (load refuses an
        // exception that can match nothing, but a set may be built otherwise) leaves the text
        // as it is, where replacing it would space out every letter and hide every pattern.
        let mut read = String::with_capacity(text.len());
        let mut last = 0;
        for m in unless.find_iter(text).filter(|m| !m.is_empty()) {
            read.push_str(text.get(last..m.start()).unwrap_or_default());
            read.push(' ');
            last = m.end();
        }
        read.push_str(text.get(last..).unwrap_or_default());
        own.is_match(&read)
    }
}

/// The engines of one set and the per-thread scratch they search with.
struct Matcher {
    /// `None` when the lazy DFA did not build (its cache could not hold the few states it
    /// needs): the PikeVM answers every text then, as the meta matcher does.
    dfa: Option<DFA>,
    pikevm: PikeVM,
    caches: Pool<Caches, CreateCaches>,
}

/// What one search needs besides the set: the lazy DFA's states built so far and the PikeVM's.
struct Caches {
    dfa: Option<DfaCache>,
    pikevm: PikeCache,
}

type CreateCaches =
    Box<dyn Fn() -> Caches + Send + Sync + std::panic::RefUnwindSafe + std::panic::UnwindSafe>;

impl fmt::Debug for PatternSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PatternSet")
            .field("patterns", &self.matcher.pikevm.get_nfa().pattern_len())
            .field("id", &self.id)
            .finish()
    }
}

/// The next [`PatternSet::id`].
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// The lazy DFA's cache, as `regex`'s own default: `RegexSet` had it.
const DFA_CACHE_CAPACITY: usize = 2 * (1 << 20);

impl PatternSet {
    /// Compiles `patterns` case-insensitively, the compiled program limited to `size_limit`
    /// bytes. The error reads as `regex::Error`'s would.
    pub fn new<S: AsRef<str>>(patterns: &[S], size_limit: usize) -> Result<PatternSet, String> {
        PatternSet::compile(patterns, size_limit, true)
    }

    /// [`PatternSet::new`], with the patterns of `unless` (by index) matching only outside the
    /// text's matches of their exception, each case-insensitive and limited as the set is.
    pub fn with_exceptions<S: AsRef<str>>(
        patterns: &[S],
        unless: &[(usize, String)],
        size_limit: usize,
    ) -> Result<PatternSet, String> {
        let mut set = PatternSet::compile(patterns, size_limit, true)?;
        let exceptions = unless
            .iter()
            .map(|(pattern, except)| {
                let own = patterns
                    .get(*pattern)
                    .ok_or_else(|| format!("no pattern {pattern} for an exception"))?;
                // Compiled when a text first needs it; its syntax is the caller's to check
                // (the validator parses it and names its line: `R033`).
                Ok(Exception {
                    pattern: *pattern,
                    unless: except.clone(),
                    own: own.as_ref().to_string(),
                    size_limit,
                    compiled: std::sync::OnceLock::new(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        set.exceptions = exceptions.into();
        Ok(set)
    }

    fn compile<S: AsRef<str>>(
        patterns: &[S],
        size_limit: usize,
        case_insensitive: bool,
    ) -> Result<PatternSet, String> {
        let syntax = syntax::Config::new()
            .case_insensitive(case_insensitive)
            .utf8(true);
        let hirs = syntax::parse_many_with(patterns, &syntax).map_err(|e| e.to_string())?;
        // As the meta matcher configures its forward NFA for a set: UTF-8 (no empty match
        // inside a character), no capture groups, not shrunk.
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .utf8(true)
                    .nfa_size_limit(Some(size_limit))
                    .shrink(false)
                    .which_captures(WhichCaptures::None),
            )
            .build_many_from_hir(&hirs)
            .map_err(|e| match e.size_limit() {
                Some(limit) => format!("Compiled regex exceeds size limit of {limit} bytes."),
                None => e.to_string(),
            })?;
        let pikevm = PikeVM::builder()
            .configure(PikeVM::config().match_kind(MatchKind::All))
            .build_from_nfa(nfa.clone())
            .map_err(|e| e.to_string())?;
        // As the meta matcher configures its lazy DFA; one that does not build is left out.
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::All)
                    .starts_for_each_pattern(true)
                    .unicode_word_boundary(true)
                    .cache_capacity(DFA_CACHE_CAPACITY)
                    .skip_cache_capacity_check(false)
                    .minimum_cache_clear_count(Some(3))
                    .minimum_bytes_per_state(Some(10)),
            )
            .build_from_nfa(nfa.clone())
            .ok();
        let create: CreateCaches = {
            let (dfa, pikevm) = (dfa.clone(), pikevm.clone());
            Box::new(move || Caches {
                dfa: dfa.as_ref().map(DFA::create_cache),
                pikevm: pikevm.create_cache(),
            })
        };
        Ok(PatternSet {
            matcher: Arc::new(Matcher {
                dfa,
                pikevm,
                caches: Pool::new(create),
            }),
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            exceptions: Arc::new([]),
        })
    }

    /// Which compiled set this is: the same for its clones, different for every other set
    /// compiled in the process, even of the same patterns.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether any pattern matches somewhere in `text` (outside its exception's matches).
    pub fn is_match(&self, text: &str) -> bool {
        if !self.exceptions.is_empty() {
            return self.any_match(text) && !self.matches(text).is_empty();
        }
        self.any_match(text)
    }

    /// Whether any pattern matches somewhere in `text`, exceptions aside: the fast question
    /// to ask before [`PatternSet::matches`], which reads the exceptions itself (asking
    /// [`PatternSet::is_match`] first would read them twice).
    pub fn may_match(&self, text: &str) -> bool {
        self.any_match(text)
    }

    fn any_match(&self, text: &str) -> bool {
        let m = &*self.matcher;
        let mut caches = m.caches.get();
        let input = Input::new(text).earliest(true);
        if let (Some(dfa), Some(cache)) = (&m.dfa, caches.dfa.as_mut()) {
            if let Ok(found) = dfa.try_search_fwd(cache, &input) {
                return found.is_some();
            }
        }
        m.pikevm.is_match(&mut caches.pikevm, input)
    }

    /// The patterns that match somewhere in `text`, in pattern order.
    pub fn matches(&self, text: &str) -> Vec<usize> {
        let m = &*self.matcher;
        let mut caches = m.caches.get();
        let input = Input::new(text);
        let mut hits = regex_automata::PatternSet::new(m.pikevm.get_nfa().pattern_len());
        let mut found = false;
        if let (Some(dfa), Some(cache)) = (&m.dfa, caches.dfa.as_mut()) {
            // A search that gives up may have found some patterns before it did: the PikeVM
            // starts again from nothing, as the meta matcher's fallback does.
            found = dfa
                .try_which_overlapping_matches(cache, &input, &mut hits)
                .is_ok();
        }
        if !found {
            hits.clear();
            m.pikevm
                .which_overlapping_matches(&mut caches.pikevm, &input, &mut hits);
        }
        let mut out: Vec<usize> = hits.iter().map(|p| p.as_usize()).collect();
        if !self.exceptions.is_empty() {
            out.retain(|&p| {
                self.exceptions
                    .iter()
                    .find(|e| e.pattern == p)
                    .is_none_or(|e| e.still_matches(text))
            });
        }
        out
    }
}

/// One regular expression (`matches`), asked only whether it matches a text: built as a set
/// of one, so without the reverse NFAs `regex::Regex` would compile for finding where a match
/// starts, which nothing asks. It matches what `regex::RegexBuilder` would with the same case
/// option and size limit, and refuses what it would refuse, with the same message.
#[derive(Debug, Clone)]
pub struct Pattern {
    set: PatternSet,
    source: String,
}

impl Pattern {
    /// Compiles `pattern`, ignoring case unless `case_sensitive`, the compiled program limited
    /// to `size_limit` bytes.
    pub fn new(pattern: &str, case_sensitive: bool, size_limit: usize) -> Result<Pattern, String> {
        Ok(Pattern {
            set: PatternSet::compile(&[pattern], size_limit, !case_sensitive)?,
            source: pattern.to_string(),
        })
    }

    /// Whether the expression matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.set.is_match(text)
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex_automata::{meta, nfa::thompson::WhichCaptures, util::syntax, Input, MatchKind};

    use super::{Pattern, PatternSet};

    /// A pattern with an exception counts only outside the text's matches of it; the other
    /// patterns of the set, and the same pattern elsewhere in the text, are unchanged.
    #[test]
    fn a_pattern_does_not_count_inside_its_exception() -> Result<(), String> {
        let set = PatternSet::with_exceptions(
            &[
                r"(^|[^a-z])re-?export([^a-z]|$)",
                r"(^|[^a-z])military([^a-z]|$)",
            ],
            &[(0, r"(no|not)[^a-z]+re-?export".to_string())],
            1 << 20,
        )?;
        for (text, hits) in [
            ("re-export to Russia", vec![0]),
            ("No re-export to Iran", vec![]),
            ("no re-export to Iran; re-export to Russia", vec![0]),
            ("not re-export, military use", vec![1]),
            ("production", vec![]),
        ] {
            assert_eq!(set.matches(text), hits, "{text}");
            assert_eq!(set.is_match(text), !hits.is_empty(), "{text}");
        }
        // An exception that does not compile leaves its pattern counting, and one that matches
        // empty text leaves out nothing: neither hides a match.
        for broken in ["(", "x*"] {
            let set =
                PatternSet::with_exceptions(&["resale"], &[(0, broken.to_string())], 1 << 20)?;
            assert_eq!(set.matches("for resale"), vec![0], "{broken}");
        }
        Ok(())
    }

    /// The meta matcher the sets were built with before, configured as `regex::RegexSet`
    /// configures it: what a set must answer.
    fn meta_matcher(patterns: &[String]) -> Option<meta::Regex> {
        let config = meta::Config::new()
            .match_kind(MatchKind::All)
            .utf8_empty(true)
            .which_captures(WhichCaptures::None)
            .nfa_size_limit(Some(8 << 20))
            .hybrid_cache_capacity(2 * (1 << 20))
            .auto_prefilter(false);
        let syntax = syntax::Config::new().case_insensitive(true).utf8(true);
        meta::Builder::new()
            .configure(config)
            .syntax(syntax)
            .build_many(patterns)
            .ok()
    }

    fn meta_matches(meta: &meta::Regex, text: &str) -> Vec<usize> {
        let mut hits = regex_automata::PatternSet::new(meta.pattern_len());
        meta.which_overlapping_matches(&Input::new(text), &mut hits);
        hits.iter().map(|p| p.as_usize()).collect()
    }

    fn assert_as_meta(patterns: &[String], texts: &[String]) -> Result<(), TestCaseError> {
        let (Some(meta), Ok(set)) = (meta_matcher(patterns), PatternSet::new(patterns, 8 << 20))
        else {
            prop_assert!(
                meta_matcher(patterns).is_none() && PatternSet::new(patterns, 8 << 20).is_err(),
                "one compiled and the other did not: {patterns:?}"
            );
            return Ok(());
        };
        for text in texts {
            prop_assert_eq!(
                set.is_match(text),
                meta.is_match(text),
                "{:?} in {:?}",
                text,
                patterns
            );
            prop_assert_eq!(
                set.matches(text),
                meta_matches(&meta, text),
                "{:?} in {:?}",
                text,
                patterns
            );
        }
        Ok(())
    }

    /// The shapes of the pack's patterns: words inside word boundaries (`contains_any`), words
    /// between letters that are not of their script, spaced words, alternatives.
    fn pattern() -> impl Strategy<Value = String> {
        let word = prop::sample::select(vec![
            "cash",
            "kassa",
            "barter",
            "blumen",
            "tulpen",
            "de",
            "a",
            "ö",
            "ünal",
            "naličn",
            "наличн",
            "կանխիկ",
            "现金",
            "x",
            "ß",
            "straße",
            "ǅ",
            "k",
            "İstanbul",
        ]);
        (word.clone(), word, 0..6usize).prop_map(|(a, b, shape)| match shape {
            0 => format!(r"\b{a}\b"),
            1 => format!(r"(^|[^a-z]){a}([^a-z]|$)"),
            2 => format!(r"\b{a}\s+{b}\b"),
            3 => format!(r"({a}|{b})s?"),
            4 => format!(r"(^|[^\x{{0530}}-\x{{058F}}]){a}"),
            _ => format!(r"{a}.*{b}"),
        })
    }

    fn text() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "cash",
            "CASH",
            "Kassa",
            "barter",
            " ",
            "  ",
            "-",
            ".",
            "blumen",
            "Tulpen",
            "de",
            "a",
            "ö",
            "Ö",
            "ünal",
            "наличн",
            "НАЛИЧН",
            "կանխիկ",
            "现金",
            "x",
            "ß",
            "SS",
            "straße",
            "ǅ",
            "K",
            "K",
            "İstanbul",
            "é",
            "\u{301}",
            "1",
            "\n",
        ]);
        prop::collection::vec(piece, 0..12).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// A set answers both questions as the meta matcher does, for any text: where the lazy
        /// DFA gives up (a word boundary beside a letter outside ASCII) the PikeVM answers.
        #[test]
        fn a_set_answers_as_the_meta_matcher(
            patterns in prop::collection::vec(pattern(), 1..6),
            texts in prop::collection::vec(text(), 1..8),
        ) {
            assert_as_meta(&patterns, &texts)?;
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// A `matches` expression matches as `regex::RegexBuilder` with the same options does.
        #[test]
        fn an_expression_matches_as_regex_does(
            pattern in pattern(),
            case_sensitive in any::<bool>(),
            texts in prop::collection::vec(text(), 1..8),
        ) {
            let regex = regex::RegexBuilder::new(&pattern)
                .case_insensitive(!case_sensitive)
                .size_limit(1 << 20)
                .build();
            let ours = Pattern::new(&pattern, case_sensitive, 1 << 20);
            match (regex, ours) {
                (Ok(regex), Ok(ours)) => {
                    prop_assert_eq!(ours.as_str(), pattern.as_str());
                    for text in &texts {
                        prop_assert_eq!(ours.is_match(text), regex.is_match(text), "{:?} in {:?}", text, pattern);
                    }
                }
                (Err(e), Err(ours)) => prop_assert_eq!(ours, e.to_string()),
                (regex, ours) => prop_assert!(false, "{regex:?} against {ours:?}"),
            }
        }
    }

    #[test]
    fn a_pattern_that_does_not_parse_is_refused_as_regex_refuses_it() {
        for (pattern, limit) in [
            ("(unclosed", 1 << 20),
            (r"\w{1000}\w{1000}\w{1000}", 1 << 10),
        ] {
            let regex = regex::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(limit)
                .build()
                .err()
                .map(|e| e.to_string());
            assert!(regex.is_some(), "regex accepts {pattern}");
            assert_eq!(
                Pattern::new(pattern, false, limit).err(),
                regex,
                "{pattern}"
            );
        }
        let unclosed = PatternSet::new(&["(unclosed"], 8 << 20).err();
        assert!(
            unclosed
                .as_deref()
                .is_some_and(|e| e.contains("unclosed group")),
            "{unclosed:?}"
        );
        let too_big = PatternSet::new(&[r"\w{1000}\w{1000}\w{1000}"], 1 << 10).err();
        assert_eq!(
            too_big.as_deref(),
            Some("Compiled regex exceeds size limit of 1024 bytes.")
        );
    }
}
