//! A listed person written by surname and initials (`Deripaska O.V.`, `Дерипаска О.В.`,
//! `I. Sechin`), as Russian documents write one: read from the query's original text, since
//! folding drops the dots, and agreed with the listed given names in order.

use super::*;

impl Screener {
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
    pub(super) fn initials_matches(&self, query: &NormalizedName) -> Vec<Scored> {
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
}

/// Most listed names holding a surname that [`Screener::initials_matches`] looks through: a
/// surname in more is too common for initials to single anyone out.
const MAX_INITIALS_RECORDS: usize = 512;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
