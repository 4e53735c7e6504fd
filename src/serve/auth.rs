//! Who may do what: API tokens from a file (only their SHA-256 is kept; a presented token is
//! hashed and compared with every known hash in constant time), roles per token, and the review
//! page's signed session cookie with its CSRF token.
//!
//! Tokens are long random secrets, not passwords a person chose, so one SHA-256 is the right
//! hash: there is nothing for a slow password hash to protect against guessing.

use std::path::Path;

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{ApiError, Shared};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Check orders (an ERP).
    Client,
    /// Read the queue and decide (a compliance officer).
    Reviewer,
    /// Reload the pack and lists.
    Admin,
}

impl Role {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Reviewer => "reviewer",
            Role::Admin => "admin",
        }
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenFile {
    /// 32 bytes or more as hex; every instance of a deployment needs the same one.
    session_key: Option<String>,
    #[serde(default)]
    tokens: Vec<TokenEntry>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    name: String,
    roles: Vec<Role>,
    sha256: String,
}

/// One known token.
#[derive(Debug, Clone)]
struct Token {
    name: String,
    roles: Vec<Role>,
    sha256: [u8; 32],
}

/// The known tokens and the session key.
pub struct Auth {
    tokens: Vec<Token>,
    session_key: Vec<u8>,
    /// Whether cookies carry `Secure` (served over TLS).
    pub secure_cookies: bool,
}

/// How long a review-page session lasts.
pub const SESSION_SECONDS: i64 = 8 * 3600;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "redflag_session";

fn unhex(text: &str) -> Option<Vec<u8>> {
    hex::decode(text).ok()
}

fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the system: {e}"))?;
    Ok(bytes)
}

/// The hex SHA-256 of a token, as the token file holds it.
pub fn token_hash(token: &str) -> String {
    crate::digest::sha256_hex(token.as_bytes())
}

impl Auth {
    /// Reads a token file (TOML: `session_key`, and `[[tokens]]` with `name`, `roles`,
    /// `sha256`); every problem is reported at once.
    pub fn load(path: &Path) -> Result<Auth, Vec<String>> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| vec![format!("cannot read token file `{}`: {e}", path.display())])?;
        let file: TokenFile = toml::from_str(&text)
            .map_err(|e| vec![format!("token file `{}`: {e}", path.display())])?;
        let mut problems = Vec::new();
        let mut tokens = Vec::new();
        for (i, entry) in file.tokens.iter().enumerate() {
            let hash = unhex(&entry.sha256).and_then(|h| <[u8; 32]>::try_from(h).ok());
            if entry.name.trim().is_empty() {
                problems.push(format!("token {} has no name", i + 1));
            }
            // Four eyes count names: `alice`, `Alice`, `alice ` (or with an invisible
            // character) and `ɑlice` (a look-alike letter) are one person, who must not count
            // as two reviewers.
            let key = crate::store::person_key(&entry.name);
            if tokens
                .iter()
                .any(|t: &Token| crate::store::person_key(&t.name) == key)
            {
                problems.push(format!(
                    "two tokens are named `{}` (names are compared ignoring case, spaces, invisible characters and look-alike letters); a name is who decided",
                    crate::report::escape::visible(&entry.name)
                ));
            }
            if entry.roles.is_empty() {
                problems.push(format!("token `{}` has no role", entry.name));
            }
            match hash {
                Some(sha256) => tokens.push(Token {
                    name: entry.name.clone(),
                    roles: entry.roles.clone(),
                    sha256,
                }),
                None => problems.push(format!(
                    "token `{}`: `sha256` is not 64 hex digits (write `printf %s TOKEN | sha256sum`)",
                    entry.name
                )),
            }
        }
        if tokens.is_empty() && problems.is_empty() {
            problems.push("the token file names no token: nobody could use the server".into());
        }
        let session_key = match &file.session_key {
            Some(key) => match unhex(key) {
                Some(bytes) if bytes.len() >= 32 => bytes,
                _ => {
                    problems
                        .push("`session_key` must be at least 32 bytes as hex (64 digits)".into());
                    Vec::new()
                }
            },
            None => random_bytes::<32>().map_err(|e| vec![e])?.to_vec(),
        };
        if problems.is_empty() {
            Ok(Auth {
                tokens,
                session_key,
                secure_cookies: false,
            })
        } else {
            Err(problems)
        }
    }

    /// A one-off token with every role, for a server started without a token file; returns the
    /// token to print.
    pub fn ephemeral() -> Result<(Auth, String), String> {
        let token = hex(&random_bytes::<32>()?);
        let auth = Auth {
            tokens: vec![Token {
                name: "local".into(),
                roles: vec![Role::Client, Role::Reviewer, Role::Admin],
                sha256: Sha256::digest(token.as_bytes()).into(),
            }],
            session_key: random_bytes::<32>()?.to_vec(),
            secure_cookies: false,
        };
        Ok((auth, token))
    }

    /// The caller a bearer token names, if any: every known hash is compared, in constant time.
    pub fn by_token(&self, token: &str) -> Option<Caller> {
        let presented: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = None;
        for t in &self.tokens {
            if bool::from(t.sha256.ct_eq(&presented)) {
                found = Some(t);
            }
        }
        found.map(|t| Caller {
            name: t.name.clone(),
            roles: t.roles.clone(),
            session_nonce: None,
            session_until: None,
        })
    }

    fn mac(&self, parts: &[&str]) -> Vec<u8> {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.session_key) else {
            return Vec::new();
        };
        for p in parts {
            mac.update(&(p.len() as u64).to_be_bytes());
            mac.update(p.as_bytes());
        }
        mac.finalize().into_bytes().to_vec()
    }

    /// A session cookie value for `caller`: name, expiry, nonce, and their MAC. The MAC also
    /// covers the hash of the caller's token, so that a token replaced in the token file (a
    /// reviewer who left, a token that leaked) ends the sessions it opened, even under the
    /// same name and session key.
    pub fn session_for(&self, caller: &Caller) -> Result<String, String> {
        let token = self
            .tokens
            .iter()
            .find(|t| t.name == caller.name)
            .ok_or_else(|| format!("no token is named `{}`", caller.name))?;
        let expires = (chrono::Utc::now().timestamp() + SESSION_SECONDS).to_string();
        let nonce = hex(&random_bytes::<16>()?);
        let name = hex(caller.name.as_bytes());
        let mac = hex(&self.mac(&["session", &name, &expires, &nonce, &hex(&token.sha256)]));
        Ok(format!("{name}.{expires}.{nonce}.{mac}"))
    }

    /// The caller a session cookie names, if it is genuine, unexpired, and the token that
    /// opened it is still in the token file. Whether it was signed out is the store's to say
    /// ([`Session`]).
    pub fn by_session(&self, cookie: &str) -> Option<Caller> {
        let mut parts = cookie.split('.');
        let (name, expires, nonce, mac) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let name_text = String::from_utf8(unhex(name)?).ok()?;
        let token = self.tokens.iter().find(|t| t.name == name_text)?;
        let expected = self.mac(&["session", name, expires, nonce, &hex(&token.sha256)]);
        if !bool::from(expected.ct_eq(&unhex(mac)?)) {
            return None;
        }
        let until = expires.parse::<i64>().ok()?;
        if until < chrono::Utc::now().timestamp() {
            return None;
        }
        Some(Caller {
            name: name_text,
            roles: token.roles.clone(),
            session_nonce: Some(nonce.to_string()),
            session_until: Some(until),
        })
    }

    /// The CSRF token every form of a session carries.
    pub fn csrf_for(&self, caller: &Caller) -> String {
        hex(&self.mac(&["csrf", caller.session_nonce.as_deref().unwrap_or("")]))
    }

    /// Whether a form's CSRF token is the session's.
    pub fn csrf_ok(&self, caller: &Caller, presented: &str) -> bool {
        caller.session_nonce.is_some()
            && unhex(presented).is_some_and(|p| {
                bool::from(
                    self.mac(&["csrf", caller.session_nonce.as_deref().unwrap_or("")])
                        .ct_eq(&p),
                )
            })
    }
}

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's name: who checked or decided, in the trail.
    pub name: String,
    /// What it may do.
    pub roles: Vec<Role>,
    /// The session's nonce, when signed in through the page.
    pub session_nonce: Option<String>,
    /// When the session's cookie expires (Unix seconds), when signed in through the page.
    pub session_until: Option<i64>,
}

impl Caller {
    /// 403 unless the caller has `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.roles.contains(&role) {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                format!("`{}` lacks the `{}` role", self.name, role.as_str()),
            ))
        }
    }
}

/// A caller with a bearer token (the API).
pub struct Bearer(pub Caller);

/// The answer to a request without valid credentials.
pub struct Unauthorized;

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        let mut response = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "send a valid token as `Authorization: Bearer TOKEN`",
        )
        .into_response();
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer"),
        );
        response
    }
}

impl FromRequestParts<Shared> for Bearer {
    type Rejection = Unauthorized;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Bearer, Unauthorized> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(Unauthorized)?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or(Unauthorized)?;
        app.auth
            .by_token(token.trim())
            .map(Bearer)
            .ok_or(Unauthorized)
    }
}

/// A caller signed in on the review page (the session cookie), if any.
pub struct Session(pub Option<Caller>);

impl FromRequestParts<Shared> for Session {
    type Rejection = std::convert::Infallible;

    /// A signed-out session is no session, on every instance sharing the store; a store that
    /// cannot say signs nobody in (fail closed: a copied cookie must not outlive sign-out
    /// because the database was slow to answer).
    async fn from_request_parts(
        parts: &mut Parts,
        app: &Shared,
    ) -> Result<Session, Self::Rejection> {
        let caller = parts
            .headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .filter(|(name, _)| *name == SESSION_COOKIE)
            .find_map(|(_, value)| app.auth.by_session(value));
        let Some(caller) = caller else {
            return Ok(Session(None));
        };
        let Some(nonce) = caller.session_nonce.clone() else {
            return Ok(Session(None));
        };
        let store = app.store.clone();
        let revoked = super::blocking(move || Ok(store.session_revoked(&nonce)?)).await;
        Ok(Session(match revoked {
            Ok(false) => Some(caller),
            Ok(true) | Err(_) => None,
        }))
    }
}
