//! Roles in patronymic names: in `AHMAD BIN HASAN AL-UBAIDI` Ahmad is the person and Hasan his
//! father, so `HASAN BIN AHMAD AL-UBAIDI` is the son of the first, or his father, not the
//! same man, although every token pairs. Alignment is order-insensitive on purpose (lists
//! write `SURNAME, Given`), so it cannot see this; the role check caps such a name at a
//! review (docs/screening.md, "Patronymic names").
//!
//! A name's roles are read around its first connector that has a name before it: the token
//! just before is the person's own name, the first token after that is not a particle is the
//! father's. `BIN LADIN, Usama bin Muhammad` folds to `bin ladin usama bin muhammad`: the
//! leading `bin` belongs to the family name, and the roles come from the second one, as in
//! `Usama bin Muhammad bin Awad bin Ladin`. Names with no connector on either side are never
//! capped: a reversal there is indistinguishable from a list's surname-first order.

/// Words that join a person's name to the father's: Arabic and Malay `bin`/`ibn` (son of),
/// `bint`/`binti`/`binte` (daughter of). `ben` is left out: it is also a given name.
const CONNECTORS: &[&str] = &["bin", "binte", "binti", "bint", "ibn"];

/// Particles that may open the father's name (`bin al-Din`): not the name itself.
const PARTICLES: &[&str] = &["abd", "abdul", "abu", "al", "el"];

use super::similarity::{similarity, Pruning};

/// Highest score of a name whose own and father's names are crossed with the other's: a
/// review, since a son or father of a listed person is worth a look, never a block.
pub const CROSSED_PATRONYMIC_MAX: f64 = 0.85;

/// Similarity from which two tokens count as the same name for the role check.
const SAME_NAME_SIM: f64 = 0.8;

/// The positions of a name's own given name and father's name, if it has a connector with a
/// name before it and a name after it.
fn roles(tokens: &[String]) -> Option<(usize, usize)> {
    let connector = (1..tokens.len()).find(|&i| CONNECTORS.contains(&tokens[i].as_str()))?;
    let father = (connector + 1..tokens.len()).find(|&i| {
        let t = tokens[i].as_str();
        !PARTICLES.contains(&t) && !CONNECTORS.contains(&t)
    })?;
    Some((connector - 1, father))
}

/// Whether the two names' own given names differ and each is the other's father's name:
/// a reading of the names themselves, not of one alignment of them, so names that repeat a
/// token (`MUHAMMAD BIN MUHAMMAD`) are never crossed by how an alignment happened to pair it.
pub fn crossed(query: &[String], candidate: &[String]) -> bool {
    // Cheap rejection first: this runs for every alignment above the cap.
    let has_connector = |t: &[String]| {
        t.iter()
            .skip(1)
            .any(|w| (3..=5).contains(&w.len()) && CONNECTORS.contains(&w.as_str()))
    };
    if !has_connector(query) || !has_connector(candidate) {
        return false;
    }
    let (Some((q_own, q_father)), Some((c_own, c_father))) = (roles(query), roles(candidate))
    else {
        return false;
    };
    let same = |a: usize, b: usize| match (query.get(a), candidate.get(b)) {
        (Some(a), Some(b)) => similarity(a, b, Pruning::Exhaustive) >= SAME_NAME_SIM,
        _ => false,
    };
    !same(q_own, c_own) && same(q_own, c_father) && same(q_father, c_own)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_string).collect()
    }

    #[test]
    fn roles_come_from_the_first_connector_with_a_name_before_it() {
        assert_eq!(roles(&tokens("ahmad bin hasan al ubaidi")), Some((0, 2)));
        assert_eq!(roles(&tokens("bin ladin usama bin muhammad")), Some((2, 4)));
        assert_eq!(roles(&tokens("ibrahim bin al din al masri")), Some((0, 3)));
        assert_eq!(roles(&tokens("al ubaidi ahmad bin hasan")), Some((2, 4)));
        assert_eq!(roles(&tokens("ahmad hasan")), None);
        assert_eq!(roles(&tokens("ahmad bin")), None);
    }

    #[test]
    fn surname_first_order_is_not_a_crossing() {
        let q = tokens("ahmad bin hasan al ubaidi");
        let c = tokens("al ubaidi ahmad bin hasan");
        assert!(!crossed(&q, &c));
        // The same name as father and son is no crossing, however an alignment pairs it.
        let q = tokens("muhammad bin muhammad al x");
        let c = tokens("al x muhammad bin muhammad");
        assert!(!crossed(&q, &c));
        assert!(crossed(
            &tokens("ahmad bin hasan al ubaidi"),
            &tokens("hasan bin ahmad al ubaidi")
        ));
    }
}
