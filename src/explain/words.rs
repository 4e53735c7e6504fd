//! A rule in plain words: its bindings, conditions and paths as phrases (`each consignee's
//! city`, `is at least 10,000 USD`), and amounts written with their digits grouped.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) fn binding_text(b: &Binding, rule: &Rule) -> BindingText {
    let each: Vec<String> = b.sources.iter().map(|s| source_phrase(s, rule)).collect();
    BindingText {
        name: b.name.clone(),
        sources: b.sources.iter().map(|s| s.text.clone()).collect(),
        takes: join_words(&each, "then"),
    }
}

/// "each item", "each restriction of `item`", "the buyer".
fn source_phrase(p: &PathRef, rule: &Rule) -> String {
    let segments = p.path.segments();
    if let [owner @ .., Segment::Field(list), Segment::Each] = segments {
        let noun = singular(list);
        if owner.is_empty() && p.base == Base::Order {
            return format!("each {noun}");
        }
        let owner_ref = PathRef {
            base: p.base,
            path: crate::order::Path::from_segments(owner.to_vec()),
            text: String::new(),
            shape: p.shape,
        };
        return format!(
            "each {noun} of {}",
            path_phrase(&owner_ref, rule, Quantifier::Any)
        );
    }
    path_phrase(p, rule, Quantifier::Any)
}

pub(super) fn condition_text(c: &Condition, rule: &Rule, pack: &RulePack) -> ConditionText {
    let subject = target_phrase(&c.target, rule, c.quantifier);
    let sentence = match &c.op {
        Op::Count { cmp, n } => format!(
            "the number of {subject} {}",
            ordered(*cmp, &n.to_string(), false)
        ),
        // A sum reads every member, whatever the quantifier: "the sum of every item's value".
        Op::Sum { .. } => format!(
            "the sum of {} {}",
            target_phrase(&c.target, rule, Quantifier::All),
            predicate(&c.op, c, rule, pack)
        ),
        op => format!("{subject} {}", predicate(op, c, rule, pack)),
    };
    let wildcard = matches!(&c.target, Target::Path(p) if p.path.has_wildcard());
    let sentence = if wildcard && c.quantifier == Quantifier::All {
        format!("{sentence} (also true when there is none)")
    } else {
        sentence
    };
    let if_missing = match (&c.op, c.if_missing) {
        (Op::Exists | Op::Missing | Op::Blank, _) => {
            "never unknown: absence is what it tests".into()
        }
        (Op::Count { .. }, _) => "never unknown: an absent list counts as empty".into(),
        (Op::Sum { .. }, Some(b)) => format!(
            "a missing member makes it {b}, one that cannot be added unknown; no member adds up to 0"
        ),
        (Op::Sum { .. }, None) => {
            "a missing member, or one that cannot be added, makes it unknown; no member adds up to 0"
                .into()
        }
        (_, Some(b)) => format!("a missing value counts as {b}"),
        (_, None) => "a missing value makes it unknown".into(),
    };
    ConditionText {
        name: c.name.clone(),
        op: c.op_name.clone(),
        path: c.target.text(),
        sentence,
        if_missing,
    }
}

fn predicate(op: &Op, c: &Condition, rule: &Rule, pack: &RulePack) -> String {
    let dated = c.target.shape() == crate::order::Shape::Date;
    match op {
        Op::Compare {
            cmp,
            operand,
            offset,
            rate_date,
            case_sensitive,
        } => {
            let (rhs, money) = match operand {
                Operand::Literal(Literal::Money(n, cur)) => {
                    (format!("{} {cur}", amount_text(n)), true)
                }
                Operand::Literal(Literal::Text(t)) => (format!("`{t}`"), false),
                Operand::Literal(l) => (l.to_string(), false),
                Operand::Field(t) => (target_phrase(t, rule, Quantifier::Any), false),
            };
            let rhs = match offset {
                Some(o) => shifted(&rhs, *o),
                None => rhs,
            };
            let mut text = ordered(*cmp, &rhs, dated);
            if money || c.target.shape() == crate::order::Shape::Money {
                text.push_str(match rate_date {
                    RateDate::OrderDate => ", both converted at the rate in force on the order date",
                    RateDate::ShipDate => {
                        ", both converted at the rate in force on the ship date (else the order date)"
                    }
                });
            }
            if *case_sensitive {
                text.push_str(" (case-sensitive)");
            }
            text
        }
        Op::In { values } => format!(
            "is {}",
            join_words(
                &values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>(),
                "or"
            )
        ),
        Op::InList { list, column, also } => {
            let aliases = pack
                .lists
                .get(list)
                .is_some_and(|l| l.aliases.is_some() && &l.key == column);
            let mut text = format!("is a `{column}` in list `{list}`");
            if aliases {
                text.push_str(" (or one of its aliases)");
            }
            if !also.is_empty() {
                let extra: Vec<String> = also
                    .iter()
                    .map(|(col, t)| {
                        format!("`{col}` is {}", target_phrase(t, rule, Quantifier::Any))
                    })
                    .collect();
                text.push_str(&format!(" on a row whose {}", join_words(&extra, "and")));
            }
            text
        }
        Op::InField { field } => {
            format!("is among {}", target_phrase(field, rule, Quantifier::Any))
        }
        Op::Matches { regex } => format!("matches the regular expression `{}`", regex.as_str()),
        Op::MatchesList { list, column, .. } => {
            format!("matches a pattern in column `{column}` of list `{list}`")
        }
        Op::ContainsAny {
            members: Members::Values(words),
            ..
        } => format!(
            "contains the word or phrase {}",
            join_words(
                &words.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>(),
                "or"
            )
        ),
        Op::ContainsAny {
            members: Members::List { list, column },
            ..
        } => format!("contains a word or phrase from column `{column}` of list `{list}`"),
        Op::StartsWith {
            members: Members::Values(prefixes),
        } => format!(
            "starts with {}",
            join_words(
                &prefixes
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>(),
                "or"
            )
        ),
        Op::StartsWith {
            members: Members::List { list, column },
        } => format!("starts with a `{column}` of list `{list}` (the longest match wins)"),
        Op::Within {
            field,
            months,
            days,
        } => {
            let span = match (months, days) {
                (0, d) => plural(*d, "day"),
                (m, 0) => plural(i64::from(*m), "month"),
                (m, d) => format!(
                    "{} and {}",
                    plural(i64::from(*m), "month"),
                    plural(*d, "day")
                ),
            };
            format!(
                "is within {span} of {}",
                target_phrase(field, rule, Quantifier::Any)
            )
        }
        Op::Exists => "is present".into(),
        Op::Missing => "is missing".into(),
        Op::Blank => "is missing or blank".into(),
        Op::Count { cmp, n } => ordered(*cmp, &n.to_string(), false),
        Op::Sum {
            cmp,
            bound,
            rate_date,
        } => match bound {
            Literal::Money(n, cur) => {
                let mut text = ordered(*cmp, &format!("{} {cur}", amount_text(n)), false);
                text.push_str(match rate_date {
                    RateDate::OrderDate => {
                        ", each amount and the bound converted at the rate in force on the order date"
                    }
                    RateDate::ShipDate => {
                        ", each amount and the bound converted at the rate in force on the ship date (else the order date)"
                    }
                });
                text
            }
            other => ordered(*cmp, &other.to_string(), false),
        },
        Op::IsTrue => "is true (or a yes answer)".into(),
        Op::IsFalse => "is false (or a no answer)".into(),
        Op::Screen(spec) => {
            let lists = if spec.lists.is_empty() {
                "any screening list given".to_string()
            } else {
                format!(
                    "screening list {}",
                    join_words(
                        &spec
                            .lists
                            .iter()
                            .map(|l| format!("`{l}`"))
                            .collect::<Vec<_>>(),
                        "or"
                    )
                )
            };
            let basis = match spec.match_on {
                MatchOn::Any => "by name, alias or identifier (an equal identifier scores 1)",
                MatchOn::Id => "by an equal identifier",
                MatchOn::Name => "by name or alias",
                MatchOn::Address => "by street address, whatever the names",
                MatchOn::Mentions => "by a listed company's name written out whole in the text",
            };
            let band = match spec.below_score {
                Some(below) => format!(
                    "with a best score of at least {} but below {below}",
                    spec.min_score
                ),
                None => format!("with a score of at least {}", spec.min_score),
            };
            let listed = match spec.listed {
                ListedFilter::AtShipment => {
                    ", listed on or before the ship date (else the order date), or with no listing date"
                }
                ListedFilter::AfterShipment => ", listed only after the ship date (else the order date)",
                ListedFilter::Any => ", whatever its listing dates",
            };
            let owned = match spec.ownership {
                OwnershipFilter::Include => "",
                OwnershipFilter::Exclude => " (entries listed in their own right, not through ownership)",
                OwnershipFilter::Only => {
                    " (only entries not listed themselves but owned 50 % or more by listed parties, by the percentages the list gives)"
                }
                OwnershipFilter::Unresolved => {
                    " (only entries counted as owned 50 % by listed parties by assumption: a holding without a percentage, or owners in a circle)"
                }
            };
            format!("matches an entry of {lists} {basis} {band}{listed}{owned}")
        }
        Op::InvalidId => "has check digits that are wrong for its scheme".into(),
    }
}

/// "is at least X", "is after X".
fn ordered(cmp: Cmp, rhs: &str, dated: bool) -> String {
    let words = match (cmp, dated) {
        (Cmp::Eq, _) => "is",
        (Cmp::Ne, _) => "is not",
        (Cmp::Gt, false) => "is more than",
        (Cmp::Gte, false) => "is at least",
        (Cmp::Lt, false) => "is less than",
        (Cmp::Lte, false) => "is at most",
        (Cmp::Gt, true) => "is after",
        (Cmp::Gte, true) => "is on or after",
        (Cmp::Lt, true) => "is before",
        (Cmp::Lte, true) => "is on or before",
    };
    format!("{words} {rhs}")
}

/// "6 months before the order date".
fn shifted(rhs: &str, offset: DateOffset) -> String {
    let before = offset.months < 0 || offset.days < 0;
    let mut parts = Vec::new();
    if offset.months != 0 {
        parts.push(plural(i64::from(offset.months.abs()), "month"));
    }
    if offset.days != 0 {
        parts.push(plural(offset.days.abs(), "day"));
    }
    format!(
        "{} {} {rhs}",
        parts.join(" and "),
        if before { "before" } else { "after" }
    )
}

fn plural(n: i64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

/// "a, b and c" (or `or`, `then`).
fn join_words(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] if last == "then" => format!("{}, then {tail}", init.join(", ")),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

fn target_phrase(t: &Target, rule: &Rule, q: Quantifier) -> String {
    match t {
        Target::Path(p) => path_phrase(p, rule, q),
        Target::Row {
            condition_name,
            column,
            list,
            ..
        } => format!("the `{column}` of the `{list}` row that `{condition_name}` matched"),
    }
}

/// One step of a noun phrase: a determiner (for a selection such as `[*]`
/// or `[-1]`) and a noun.
struct Step {
    selection: Option<String>,
    noun: String,
}

/// A path as a noun phrase: "the buyer's country", "an item's HS code",
/// "the last consignee's name", "the kind of a restriction of `item`".
fn path_phrase(p: &PathRef, rule: &Rule, q: Quantifier) -> String {
    let mut steps: Vec<Step> = Vec::new();
    if let Base::Var(i) = p.base {
        let name = rule.bindings.get(i).map(|b| b.name.as_str()).unwrap_or("?");
        steps.push(Step {
            selection: Some(String::new()),
            noun: format!("`{name}`"),
        });
    }
    let segments = p.path.segments();
    let mut i = 0;
    while i < segments.len() {
        match (&segments[i], segments.get(i + 1)) {
            (Segment::Field(f), Some(Segment::Field(key))) if f == "attributes" => {
                steps.push(Step {
                    selection: None,
                    noun: format!("attribute `{key}`"),
                });
                i += 2;
            }
            (Segment::Field(f), Some(Segment::Each)) => {
                let noun = singular(f);
                let det = if q == Quantifier::All {
                    "every".to_string()
                } else {
                    article(&noun).to_string()
                };
                steps.push(Step {
                    selection: Some(det),
                    noun,
                });
                i += 2;
            }
            (Segment::Field(f), Some(Segment::Index(n))) => {
                steps.push(Step {
                    selection: Some(ordinal(*n)),
                    noun: singular(f),
                });
                i += 2;
            }
            (Segment::Field(f), _) => {
                let root = steps.is_empty();
                steps.push(Step {
                    selection: None,
                    noun: noun(f, root),
                });
                i += 1;
            }
            (Segment::Each, _) => {
                steps.push(Step {
                    selection: Some(if q == Quantifier::All { "every" } else { "a" }.into()),
                    noun: "member".into(),
                });
                i += 1;
            }
            (Segment::Index(n), _) => {
                steps.push(Step {
                    selection: Some(ordinal(*n)),
                    noun: "member".into(),
                });
                i += 1;
            }
        }
    }
    let with_det = |s: &Step| match &s.selection {
        Some(d) if d.is_empty() => s.noun.clone(),
        Some(d) => format!("{d} {}", s.noun),
        None => format!("the {}", s.noun),
    };
    let Some((first, rest)) = steps.split_first() else {
        return "the order".into();
    };
    // A selection past the first step reads badly as a possessive ("the
    // buyer's every identifier"), so such paths are told from the inside out.
    if rest.iter().any(|s| s.selection.is_some()) {
        return steps
            .iter()
            .rev()
            .map(with_det)
            .collect::<Vec<_>>()
            .join(" of ");
    }
    let mut out = with_det(first);
    for s in rest {
        out.push_str("'s ");
        out.push_str(&s.noun);
    }
    out
}

fn noun(field: &str, root: bool) -> String {
    match field {
        "date" if root => "order date".into(),
        "id" if root => "order id".into(),
        "hs" => "HS code".into(),
        "eccn" => "ECCN".into(),
        "sku" => "SKU".into(),
        "ids" => "identifiers".into(),
        "route" => "route stops".into(),
        "controls" => "control-list entries".into(),
        "established" => "founding date".into(),
        other => other.replace('_', " "),
    }
}

fn singular(field: &str) -> String {
    match field {
        "route" => "route stop".into(),
        "ids" => "identifier".into(),
        "controls" => "control-list entry".into(),
        "aliases" => "alias".into(),
        other => other.strip_suffix('s').unwrap_or(other).replace('_', " "),
    }
}

fn article(noun: &str) -> &'static str {
    match noun.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

fn ordinal(n: i64) -> String {
    match n {
        0 => "the first".into(),
        -1 => "the last".into(),
        n if n > 0 => format!("the {}", nth(n + 1)),
        n => format!("the {} from last", nth(-n)),
    }
}

fn nth(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, r) if r != 11 => "st",
        (2, r) if r != 12 => "nd",
        (3, r) if r != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A decimal with thousands separators, as written in explanations:
/// `10000` is `10,000`, `1340.9700` is `1,340.97`. Never through a float.
pub fn amount_text(amount: &Decimal) -> String {
    let text = amount.normalize().to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.as_str()),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn amounts_are_grouped_without_floats() {
        let cases = [
            ("10000", "10,000"),
            ("1340.9700", "1,340.97"),
            ("999", "999"),
            ("-1234567.5", "-1,234,567.5"),
            ("0.1", "0.1"),
            ("100000000000000000000.01", "100,000,000,000,000,000,000.01"),
        ];
        for (input, expected) in cases {
            let d = Decimal::from_str(input).unwrap_or_default();
            assert_eq!(amount_text(&d), expected, "{input}");
        }
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal(0), "the first");
        assert_eq!(ordinal(-1), "the last");
        assert_eq!(ordinal(1), "the 2nd");
        assert_eq!(ordinal(10), "the 11th");
        assert_eq!(ordinal(-3), "the 3rd from last");
    }
}
