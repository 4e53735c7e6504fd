//! A compiled set of case-insensitive patterns (`contains_any` words, a `matches_list` column),
//! asked whether any pattern matches a text and which.
//!
//! The set is `regex::RegexSet`'s matcher (`regex_automata::meta`, configured as `RegexSet`
//! configures it: every pattern's matches, UTF-8, no captures) without its automatic literal
//! prefilter. For case-insensitive word lists the prefilter is an Aho-Corasick automaton over
//! every case variant of every literal, and building it was about half of building the default
//! pack (46 M of 94 M instructions): a cost every run pays before it judges one order, which
//! is most of a one-order check. The texts these sets see are short (names, descriptions), so
//! the lazy DFA that scans them without a prefilter costs about the same per text.

use std::sync::atomic::{AtomicU64, Ordering};

use regex_automata::{meta, nfa::thompson::WhichCaptures, util::syntax, Input, MatchKind};

/// A compiled, case-insensitive set of patterns; cheap to clone (a handle to one set).
#[derive(Debug, Clone)]
pub struct PatternSet {
    meta: meta::Regex,
    /// Which compiled set this is, unique in the process: what a memo of its answers is keyed
    /// by. Not its address, which a set compiled after this one is dropped (a pack reloaded
    /// by `serve`, the packs of a rule-test run) may be given again.
    id: u64,
}

/// The next [`PatternSet::id`].
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

impl PatternSet {
    /// Compiles `patterns` case-insensitively, the compiled program limited to `size_limit`
    /// bytes. The error reads as `regex::Error`'s would.
    pub fn new<S: AsRef<str>>(patterns: &[S], size_limit: usize) -> Result<PatternSet, String> {
        let config = meta::Config::new()
            .match_kind(MatchKind::All)
            .utf8_empty(true)
            .which_captures(WhichCaptures::None)
            .nfa_size_limit(Some(size_limit))
            // `regex`'s own default, which `RegexSet` had.
            .hybrid_cache_capacity(2 * (1 << 20))
            .auto_prefilter(false)
            // The one-pass DFA and the bounded backtracker report capture groups, which a set
            // is never asked for (`is_match` and `matches` run the lazy DFA or the PikeVM);
            // building them was about 2 % of building the default pack.
            .onepass(false)
            .backtrack(false);
        let syntax = syntax::Config::new().case_insensitive(true).utf8(true);
        meta::Builder::new()
            .configure(config)
            .syntax(syntax)
            .build_many(patterns)
            .map(|meta| PatternSet {
                meta,
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            })
            .map_err(|e| match (e.size_limit(), e.syntax_error()) {
                (Some(limit), _) => format!("Compiled regex exceeds size limit of {limit} bytes."),
                (None, Some(syntax)) => syntax.to_string(),
                (None, None) => e.to_string(),
            })
    }

    /// Which compiled set this is: the same for its clones, different for every other set
    /// compiled in the process, even of the same patterns.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether any pattern matches somewhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        self.meta.is_match(text)
    }

    /// The patterns that match somewhere in `text`, in pattern order.
    pub fn matches(&self, text: &str) -> Vec<usize> {
        let mut hits = regex_automata::PatternSet::new(self.meta.pattern_len());
        self.meta
            .which_overlapping_matches(&Input::new(text), &mut hits);
        hits.iter().map(|p| p.as_usize()).collect()
    }
}
