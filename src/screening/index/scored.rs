//! One candidate's name score and how it was reached: what the name cache keeps per
//! candidate, and what a kept match spells out as its score steps.

use super::super::patronymic::CROSSED_PATRONYMIC_MAX;
use super::super::score::{TokenPair, GENERIC_ONLY_CAP};
use super::super::steps::{self, ScoreSteps, StepKind};

/// One candidate's name score. Depends only on the normalised query tokens and kind (the
/// cache key), never on the query's original spelling, so a cached answer equals a fresh one.
#[derive(Debug, Clone)]
pub(super) struct Scored {
    pub(super) record: u32,
    pub(super) score: f64,
    pub(super) pairs: Vec<TokenPair>,
    /// The second reading of the query that scored (`score::query_variants`: rejoined letters,
    /// a cut-off legal form left out), when not the name as written.
    pub(super) reading: Option<String>,
    /// What raised the name score past the alignment's, if anything did: the query holds
    /// the listed name ([`StepKind::HoldsListedName`]) or it without its country
    /// ([`StepKind::WithoutOwnCountry`]), or its words stand in a row in the record's longer
    /// name ([`StepKind::PartOfListedName`], [`super::PART_OF_LISTED_SCORE`]).
    pub(super) raised_by: Option<StepKind>,
    /// How the name score was reached (what [`super::Match::steps`] starts with).
    pub(super) origin: NameOrigin,
}

impl Scored {
    /// Whether the query holds the record's name whole, or without the words naming a
    /// country ([`super::CONTAINED_NAME_SCORE`], [`super::ONE_WORD_HELD_SCORE`]): not lowered
    /// by another country.
    pub(super) fn contained(&self) -> bool {
        matches!(
            self.raised_by,
            Some(
                StepKind::HoldsListedName
                    | StepKind::BranchOfListedName
                    | StepKind::WithoutOwnCountry
                    | StepKind::WithoutLegalFormWord
                    | StepKind::HoldsOwnWord
                    | StepKind::HoldsWordSpelledOtherwise
            )
        )
    }
}

/// How a name score was reached, kept small: every candidate of a query carries one, and
/// only the matches kept spell it out as steps ([`NameOrigin::steps`]).
#[derive(Debug, Clone, Copy)]
pub(super) struct NameOrigin {
    /// How the names were compared.
    pub(super) kind: StepKind,
    /// The score of that comparison, before any cap.
    pub(super) score: f64,
    /// The cap that lowered it, if any.
    pub(super) cap: Option<NameCap>,
}

/// A cap on a name score from the comparison itself.
#[derive(Debug, Clone, Copy)]
pub(super) enum NameCap {
    /// Only generic words matched ([`GENERIC_ONLY_CAP`]).
    GenericOnly,
    /// Own and father's names crossed ([`CROSSED_PATRONYMIC_MAX`]).
    CrossedPatronymic,
}

impl NameOrigin {
    pub(super) fn of(kind: StepKind, score: f64) -> NameOrigin {
        NameOrigin {
            kind,
            score,
            cap: None,
        }
    }

    /// The steps to `name_score`, the score the record was given: the comparison, the cap
    /// that lowered it, and what raised it past both (the query holds the listed name whole).
    pub(super) fn steps(self, name_score: f64, raised_by: Option<StepKind>) -> ScoreSteps {
        let mut out = ScoreSteps::new();
        steps::push(&mut out, self.kind, self.score);
        match self.cap {
            Some(NameCap::GenericOnly) => {
                steps::push(&mut out, StepKind::GenericOnly, GENERIC_ONLY_CAP);
            }
            Some(NameCap::CrossedPatronymic) => {
                steps::push(
                    &mut out,
                    StepKind::CrossedPatronymic,
                    CROSSED_PATRONYMIC_MAX,
                );
            }
            None => {}
        }
        if out.last().is_some_and(|last| name_score > last.score) {
            let raised = raised_by.unwrap_or(StepKind::HoldsListedName);
            steps::push(&mut out, raised, name_score);
        }
        out
    }
}
