//! Validating a `screen` condition: lists, scores, the basis and the listing date it keeps.

use super::*;

impl Validator<'_, '_> {
    /// The operands of `screen`: thresholds in `0..=1`, the listing filter and what a match
    /// may rest on.
    pub(super) fn screen(&mut self, c: &RawCondition) -> Option<Op> {
        let score =
            |v: &mut Self, raw: &Option<Sp<Scalar>>, key: &str| -> Result<Option<Decimal>, ()> {
                let Some(raw) = raw else {
                    return Ok(None);
                };
                let parsed = match &raw.value {
                    Scalar::Num(n) => parse_decimal(n),
                    _ => None,
                };
                match parsed {
                    Some(d) if d >= Decimal::ZERO && d <= Decimal::ONE => Ok(Some(d)),
                    _ => {
                        v.err(
                            "R035",
                            format!(
                                "`{key}` must be a number from 0 to 1, not `{}`",
                                raw.value.text()
                            ),
                            raw.span.clone(),
                            "not a score",
                        );
                        Err(())
                    }
                }
            };
        let min_score = score(self, &c.min_score, "min_score");
        let below_score = score(self, &c.below_score, "below_score");
        let listed = match c.listed.as_ref().map(|l| l.value.as_str()) {
            None | Some("at_shipment") => Some(ListedFilter::AtShipment),
            Some("after_shipment") => Some(ListedFilter::AfterShipment),
            Some("any") => Some(ListedFilter::Any),
            Some(other) => {
                let span = c
                    .listed
                    .as_ref()
                    .map(|l| l.span.clone())
                    .unwrap_or(c.span.clone());
                self.acc.push(
                    Diagnostic::error("R035", format!("unknown listing filter `{other}`"))
                        .at(self.file, span, "not a filter")
                        .with_help(Some(
                            "use `at_shipment`, `after_shipment` or `any`".to_string(),
                        )),
                );
                None
            }
        };
        let match_on = match c.match_on.as_ref().map(|m| m.value.as_str()) {
            None | Some("any") => Some(MatchOn::Any),
            Some("id") => Some(MatchOn::Id),
            Some("name") => Some(MatchOn::Name),
            Some("address") => Some(MatchOn::Address),
            Some("mentions") => Some(MatchOn::Mentions),
            Some(other) => {
                let span = c
                    .match_on
                    .as_ref()
                    .map(|m| m.span.clone())
                    .unwrap_or(c.span.clone());
                self.acc.push(
                    Diagnostic::error("R035", format!("unknown match basis `{other}`"))
                        .at(self.file, span, "not a basis")
                        .with_help(Some(
                            "use `any`, `id`, `name`, `address` or `mentions`".to_string(),
                        )),
                );
                None
            }
        };
        let ownership = match c.ownership.as_ref().map(|m| m.value.as_str()) {
            None | Some("include") => Some(OwnershipFilter::Include),
            Some("exclude") => Some(OwnershipFilter::Exclude),
            Some("only") => Some(OwnershipFilter::Only),
            Some("unresolved") => Some(OwnershipFilter::Unresolved),
            Some(other) => {
                let span = c
                    .ownership
                    .as_ref()
                    .map(|m| m.span.clone())
                    .unwrap_or(c.span.clone());
                self.acc.push(
                    Diagnostic::error("R035", format!("unknown ownership filter `{other}`"))
                        .at(self.file, span, "not a filter")
                        .with_help(Some(
                            "use `include`, `exclude`, `only` or `unresolved`".to_string(),
                        )),
                );
                None
            }
        };
        // Every problem above is reported before giving up on the condition.
        let (Ok(min_score), Ok(below_score), Some(listed), Some(match_on), Some(ownership)) =
            (min_score, below_score, listed, match_on, ownership)
        else {
            return None;
        };
        let Some(min_score) = min_score else {
            self.err(
                "R026",
                "`screen` needs `min_score`, the lowest score that counts as a match".to_string(),
                c.span.clone(),
                "incomplete condition",
            );
            return None;
        };
        if let (Some(below), Some(raw)) = (below_score, &c.below_score) {
            if below <= min_score {
                self.err(
                    "R035",
                    format!("`below_score` `{below}` must be above `min_score` `{min_score}`"),
                    raw.span.clone(),
                    "empty band",
                );
                return None;
            }
        }
        let mut lists = Vec::new();
        for item in c.lists.iter().flat_map(|l| l.value.iter()) {
            match &item.value {
                Scalar::Str(name) if !name.trim().is_empty() => lists.push(name.trim().to_string()),
                other => self.err(
                    "R035",
                    format!("`lists` names screening lists, not `{}`", other.text()),
                    item.span.clone(),
                    "not a list name",
                ),
            }
        }
        Some(Op::Screen(ScreenSpec {
            lists,
            min_score,
            below_score,
            listed,
            match_on,
            ownership,
        }))
    }
}
