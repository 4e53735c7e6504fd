//! The condition expression that joins a rule's named conditions:
//! `banned and (border or route) and not waived`.
//!
//! The grammar is deliberately tiny (names, `and`, `or`, `not`, parentheses)
//! so that every leaf keeps its own evidence; precedence is `not` over `and`
//! over `or`, as in Sigma.

use std::ops::Range;

/// The deepest nesting of parentheses and `not` a condition may have. Evaluation recurses
/// once per level, so an unbounded depth would let a rule file overflow the stack; real rules
/// nest two or three levels.
pub const MAX_DEPTH: usize = 64;

/// A parsed condition expression; names are indices into the rule's conditions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A named condition.
    Leaf(usize),
    /// Negation.
    Not(Box<Expr>),
    /// Conjunction.
    And(Vec<Expr>),
    /// Disjunction.
    Or(Vec<Expr>),
}

impl Expr {
    /// Every condition index the expression mentions, in order of appearance.
    pub fn leaves(&self, out: &mut Vec<usize>) {
        match self {
            Expr::Leaf(i) => {
                if !out.contains(i) {
                    out.push(*i)
                }
            }
            Expr::Not(inner) => inner.leaves(out),
            Expr::And(items) | Expr::Or(items) => items.iter().for_each(|e| e.leaves(out)),
        }
    }
}

/// A syntax problem, with the byte range inside the expression text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// Range within the expression text.
    pub span: Range<usize>,
    /// Lowercase message.
    pub message: String,
    /// The unknown name, when that is the problem (for did-you-mean).
    pub unknown_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    And,
    Or,
    Not,
    Open,
    Close,
}

fn tokenize(text: &str) -> Result<Vec<(Token, Range<usize>)>, ExprError> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' || c == ')' {
            chars.next();
            let token = if c == '(' { Token::Open } else { Token::Close };
            tokens.push((token, start..start + 1));
        } else if c.is_alphanumeric() || c == '_' || c == '-' {
            let mut end = start;
            while let Some(&(i, ch)) = chars.peek() {
                if ch.is_alphanumeric() || ch == '_' || ch == '-' {
                    end = i + ch.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &text[start..end];
            let token = match word {
                "and" => Token::And,
                "or" => Token::Or,
                "not" => Token::Not,
                _ => Token::Name(word.to_string()),
            };
            tokens.push((token, start..end));
        } else {
            return Err(ExprError {
                span: start..start + c.len_utf8(),
                message: format!("unexpected `{c}` in the condition"),
                unknown_name: None,
            });
        }
    }
    Ok(tokens)
}

/// Parses `text`, resolving names with `lookup` (name → condition index).
pub fn parse(text: &str, lookup: &dyn Fn(&str) -> Option<usize>) -> Result<Expr, ExprError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        end: text.len(),
        lookup,
        depth: 0,
    };
    let expr = parser.or()?;
    if let Some((_, span)) = parser.tokens.get(parser.pos) {
        return Err(ExprError {
            span: span.clone(),
            message: "expected `and`, `or` or the end of the condition".into(),
            unknown_name: None,
        });
    }
    Ok(expr)
}

struct Parser<'a> {
    tokens: Vec<(Token, Range<usize>)>,
    pos: usize,
    end: usize,
    lookup: &'a dyn Fn(&str) -> Option<usize>,
    /// Parentheses and `not` open at the current position.
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(t, _)| t)
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut items = vec![self.not()?];
        while self.peek() == Some(&Token::And) {
            self.pos += 1;
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    /// Enters one level of nesting at the token `at`, refusing to pass [`MAX_DEPTH`].
    fn deeper(&mut self, at: usize) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self
                .tokens
                .get(at)
                .map(|(_, s)| s.clone())
                .unwrap_or(self.end..self.end);
            return Err(ExprError {
                span,
                message: format!(
                    "the condition nests parentheses and `not` more than {MAX_DEPTH} deep"
                ),
                unknown_name: None,
            });
        }
        Ok(())
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.peek() == Some(&Token::Not) {
            self.deeper(self.pos)?;
            self.pos += 1;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, ExprError> {
        let Some((token, span)) = self.tokens.get(self.pos).cloned() else {
            return Err(ExprError {
                span: self.end..self.end,
                message: "the condition ends where a name or `(` was expected".into(),
                unknown_name: None,
            });
        };
        self.pos += 1;
        match token {
            Token::Name(name) => match (self.lookup)(&name) {
                Some(index) => Ok(Expr::Leaf(index)),
                None => Err(ExprError {
                    span,
                    message: format!("`{name}` is not a condition of this rule"),
                    unknown_name: Some(name),
                }),
            },
            Token::Open => {
                self.deeper(self.pos - 1)?;
                let inner = self.or()?;
                self.depth -= 1;
                match self.tokens.get(self.pos) {
                    Some((Token::Close, _)) => {
                        self.pos += 1;
                        Ok(inner)
                    }
                    _ => Err(ExprError {
                        span,
                        message: "this `(` is never closed".into(),
                        unknown_name: None,
                    }),
                }
            }
            _ => Err(ExprError {
                span,
                message: "expected a condition name, `not` or `(`".into(),
                unknown_name: None,
            }),
        }
    }
}
