//! HTTP Digest authentication (RFC 7616) with a cached challenge.
//!
//! After the first 401 the challenge is kept and every later request carries a precomputed
//! `Authorization` header with the next `nc`, so a call costs one HTTP request instead of two.
//! A 401 (with or without `stale=true`) replaces the cached challenge and the request is re-sent
//! once with the new nonce.

use std::fmt;
use std::sync::{Arc, Mutex};

use md5::Md5;
use reqwest::header::{HeaderMap, HeaderValue, WWW_AUTHENTICATE};
use sha2::{Digest, Sha256, Sha512_256};

use super::challenge::{parse_challenges, RawChallenge};
use crate::error::AuthErrorKind;
use crate::{Error, Secret};

/// Digest algorithms this client implements, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Algorithm {
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
    Sha512_256,
    Sha512_256Sess,
}

impl Algorithm {
    fn parse(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "MD5" => Algorithm::Md5,
            "MD5-SESS" => Algorithm::Md5Sess,
            "SHA-256" => Algorithm::Sha256,
            "SHA-256-SESS" => Algorithm::Sha256Sess,
            "SHA-512-256" => Algorithm::Sha512_256,
            "SHA-512-256-SESS" => Algorithm::Sha512_256Sess,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
            Algorithm::Sha512_256 => "SHA-512-256",
            Algorithm::Sha512_256Sess => "SHA-512-256-sess",
        }
    }

    fn is_session(self) -> bool {
        matches!(
            self,
            Algorithm::Md5Sess | Algorithm::Sha256Sess | Algorithm::Sha512_256Sess
        )
    }

    /// Lower-case hex of the hash of `data`.
    fn hash(self, data: &str) -> String {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => hex(&Md5::digest(data.as_bytes())),
            Algorithm::Sha256 | Algorithm::Sha256Sess => hex(&Sha256::digest(data.as_bytes())),
            Algorithm::Sha512_256 | Algorithm::Sha512_256Sess => {
                hex(&Sha512_256::digest(data.as_bytes()))
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// A Digest challenge this client can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DigestChallenge {
    pub(crate) realm: String,
    pub(crate) nonce: String,
    pub(crate) opaque: Option<String>,
    pub(crate) algorithm: Algorithm,
    /// `true` for `qop=auth`; `false` for the RFC 2069 form without qop.
    pub(crate) qop_auth: bool,
    pub(crate) stale: bool,
}

impl DigestChallenge {
    pub(crate) fn from_raw(raw: &RawChallenge) -> Result<Self, String> {
        let algorithm = match raw.param("algorithm") {
            None => Algorithm::Md5,
            Some(a) => {
                Algorithm::parse(a).ok_or_else(|| format!("unsupported digest algorithm `{a}`"))?
            }
        };
        let qop_auth = match raw.param("qop") {
            None => false,
            Some(q) if q.split(',').any(|o| o.trim().eq_ignore_ascii_case("auth")) => true,
            Some(q) => {
                return Err(format!(
                    "unsupported digest qop `{q}` (only `auth` is implemented)"
                ))
            }
        };
        let nonce = raw
            .param("nonce")
            .ok_or("digest challenge without a nonce")?
            .to_owned();
        Ok(DigestChallenge {
            realm: raw.param("realm").unwrap_or_default().to_owned(),
            nonce,
            opaque: raw.param("opaque").map(str::to_owned),
            algorithm,
            qop_auth,
            stale: raw
                .param("stale")
                .is_some_and(|s| s.eq_ignore_ascii_case("true")),
        })
    }
}

/// Picks the strongest Digest challenge among all `WWW-Authenticate` headers.
/// `Ok(None)`: no Digest challenge at all; `Err`: only ones this client cannot answer.
pub(crate) fn select_challenge(headers: &HeaderMap) -> Result<Option<DigestChallenge>, Error> {
    let mut best: Option<DigestChallenge> = None;
    let mut rejection: Option<String> = None;
    let values = headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok());
    for raw in values.flat_map(parse_challenges) {
        if !raw.scheme.eq_ignore_ascii_case("digest") {
            continue;
        }
        match DigestChallenge::from_raw(&raw) {
            Ok(c) if best.as_ref().is_none_or(|b| c.algorithm > b.algorithm) => best = Some(c),
            Ok(_) => {}
            Err(why) => rejection = Some(why),
        }
    }
    match (best, rejection) {
        (Some(c), _) => Ok(Some(c)),
        (None, Some(why)) => Err(Error::auth(
            AuthErrorKind::UnsupportedChallenge,
            Some(401),
            why,
        )),
        (None, None) => Ok(None),
    }
}

/// HA1 before any session step, `H(username:realm:password)`: fixed for a challenge's realm, so
/// computed once per accepted challenge. Password-equivalent: never logged or shown.
fn base_ha1(c: &DigestChallenge, username: &str, password: &str) -> String {
    c.algorithm
        .hash(&format!("{username}:{}:{password}", c.realm))
}

/// The request-digest (RFC 7616 §3.4.1) from the cached [`base_ha1`].
fn response_from(
    c: &DigestChallenge,
    base_ha1: &str,
    method: &str,
    uri: &str,
    nc: u32,
    cnonce: &str,
) -> String {
    let alg = c.algorithm;
    let session_ha1;
    let ha1 = if alg.is_session() {
        session_ha1 = alg.hash(&format!("{base_ha1}:{}:{cnonce}", c.nonce));
        session_ha1.as_str()
    } else {
        base_ha1
    };
    let ha2 = alg.hash(&format!("{method}:{uri}"));
    if c.qop_auth {
        alg.hash(&format!("{ha1}:{}:{nc:08x}:{cnonce}:auth:{ha2}", c.nonce))
    } else {
        alg.hash(&format!("{ha1}:{}:{ha2}", c.nonce))
    }
}

/// The request-digest (RFC 7616 §3.4.1).
#[cfg(test)]
pub(crate) fn response(
    c: &DigestChallenge,
    username: &str,
    password: &str,
    method: &str,
    uri: &str,
    nc: u32,
    cnonce: &str,
) -> String {
    response_from(c, &base_ha1(c, username, password), method, uri, nc, cnonce)
}

/// Appends `s` as a quoted string, escaping `\` and `"` (copied as is when it has neither).
fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    if s.contains(['\\', '"']) {
        for ch in s.chars() {
            if ch == '\\' || ch == '"' {
                out.push('\\');
            }
            out.push(ch);
        }
    } else {
        out.push_str(s);
    }
    out.push('"');
}

/// The `Authorization` header value.
#[cfg(test)]
pub(crate) fn header_value(
    c: &DigestChallenge,
    username: &str,
    password: &str,
    method: &str,
    uri: &str,
    nc: u32,
    cnonce: &str,
) -> String {
    let ha1 = base_ha1(c, username, password);
    header_from(c, username, &ha1, method, uri, nc, cnonce)
}

/// The `Authorization` header value from the cached [`base_ha1`], built in one buffer.
fn header_from(
    c: &DigestChallenge,
    username: &str,
    base_ha1: &str,
    method: &str,
    uri: &str,
    nc: u32,
    cnonce: &str,
) -> String {
    use std::fmt::Write as _;
    let resp = response_from(c, base_ha1, method, uri, nc, cnonce);
    let mut h = String::with_capacity(
        160 + username.len() + c.realm.len() + c.nonce.len() + uri.len() + resp.len(),
    );
    h.push_str("Digest username=");
    push_quoted(&mut h, username);
    h.push_str(", realm=");
    push_quoted(&mut h, &c.realm);
    h.push_str(", nonce=");
    push_quoted(&mut h, &c.nonce);
    h.push_str(", uri=");
    push_quoted(&mut h, uri);
    h.push_str(", algorithm=");
    h.push_str(c.algorithm.name());
    if c.qop_auth {
        // Writing to a String cannot fail.
        let _ = write!(h, ", qop=auth, nc={nc:08x}, cnonce=");
        push_quoted(&mut h, cnonce);
    }
    h.push_str(", response=");
    push_quoted(&mut h, &resp);
    if let Some(o) = &c.opaque {
        h.push_str(", opaque=");
        push_quoted(&mut h, o);
    }
    h
}

/// Shared with the calls in flight (`Arc`): a call copies two pointers, not the challenge.
struct Session {
    challenge: Arc<DigestChallenge>,
    nc: u32,
    /// [`base_ha1`] for this challenge (the password hashed with the realm once, not per call).
    ha1: Arc<str>,
}

/// Digest credentials plus the cached challenge shared by all clones of a client.
pub(crate) struct DigestAuth {
    username: String,
    password: Secret,
    // A std mutex: held only to bump `nc`, never across an await.
    session: Mutex<Option<Session>>,
    /// Tests only (feature `mock`): a fixed client nonce so recorded `response=` hashes can be
    /// checked in full. Otherwise every header gets 16 fresh random bytes.
    fixed_cnonce: Option<String>,
}

impl fmt::Debug for DigestAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestAuth")
            .field("public_key", &self.username)
            .field("private_key", &self.password)
            .finish_non_exhaustive()
    }
}

impl DigestAuth {
    pub(crate) fn new(username: String, password: Secret) -> Self {
        DigestAuth {
            username,
            password,
            session: Mutex::new(None),
            fixed_cnonce: None,
        }
    }

    /// Uses `cnonce` instead of a random client nonce (reproducible headers for tests).
    pub(crate) fn with_fixed_cnonce(mut self, cnonce: Option<String>) -> Self {
        self.fixed_cnonce = cnonce;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Session>> {
        // A poisoned lock only means another thread panicked mid-update of plain data.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A header for the cached challenge with the next `nc`, or `None` before the first challenge.
    pub(crate) fn authorization(
        &self,
        method: &str,
        uri: &str,
    ) -> Result<Option<HeaderValue>, Error> {
        let (challenge, nc, ha1) = {
            let mut guard = self.lock();
            let Some(session) = guard.as_mut() else {
                return Ok(None);
            };
            if session.nc == u32::MAX {
                *guard = None; // nc would wrap: force a fresh handshake
                return Ok(None);
            }
            session.nc += 1;
            (
                Arc::clone(&session.challenge),
                session.nc,
                Arc::clone(&session.ha1),
            )
        };
        let cnonce = match &self.fixed_cnonce {
            Some(fixed) => fixed.clone(),
            None => hex(&rand::random::<[u8; 16]>()),
        };
        let value = header_from(&challenge, &self.username, &ha1, method, uri, nc, &cnonce);
        let mut value = HeaderValue::from_str(&value).map_err(|_| {
            Error::auth(
                AuthErrorKind::UnsupportedChallenge,
                None,
                "digest credentials or challenge contain characters not allowed in an HTTP header",
            )
        })?;
        value.set_sensitive(true);
        Ok(Some(value))
    }

    /// Caches the challenge of a 401 response. `Ok(false)` when the response has none.
    pub(crate) fn accept_challenge(&self, headers: &HeaderMap) -> Result<bool, Error> {
        match select_challenge(headers)? {
            Some(challenge) => {
                tracing::debug!(
                    stale = challenge.stale,
                    algorithm = challenge.algorithm.name(),
                    "digest challenge received"
                );
                let ha1 = base_ha1(&challenge, &self.username, self.password.expose());
                *self.lock() = Some(Session {
                    challenge: Arc::new(challenge),
                    nc: 0,
                    ha1: ha1.into(),
                });
                Ok(true)
            }
            None => Ok(false),
        }
    }

    #[cfg(test)]
    pub(crate) fn current_nc(&self) -> Option<u32> {
        self.lock().as_ref().map(|s| s.nc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_CHALLENGE: &str = r#"Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
    const CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    fn rfc_challenges() -> Vec<DigestChallenge> {
        parse_challenges(RFC_CHALLENGE)
            .iter()
            .map(|c| DigestChallenge::from_raw(c).unwrap())
            .collect()
    }

    #[test]
    fn rfc7616_section_3_9_1_vectors() {
        let challenges = rfc_challenges();
        assert_eq!(challenges.len(), 2);
        let (sha, md5) = (&challenges[0], &challenges[1]);
        assert_eq!(sha.algorithm, Algorithm::Sha256);
        assert_eq!(md5.algorithm, Algorithm::Md5);
        assert_eq!(
            sha.opaque.as_deref(),
            Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")
        );
        let args = (
            "Mufasa",
            "Circle of Life",
            "GET",
            "/dir/index.html",
            1,
            CNONCE,
        );
        assert_eq!(
            response(md5, args.0, args.1, args.2, args.3, args.4, args.5),
            "8ca523f5e9506fed4657c9700eebdbec"
        );
        assert_eq!(
            response(sha, args.0, args.1, args.2, args.3, args.4, args.5),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        let header = header_value(sha, args.0, args.1, args.2, args.3, args.4, args.5);
        assert_eq!(
            header,
            "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", \
             nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", \
             algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", \
             response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
        );
    }

    #[test]
    fn selects_strongest_supported_challenge() {
        let mut headers = HeaderMap::new();
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"x\", error=\"invalid_token\""),
        );
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_str(RFC_CHALLENGE).unwrap(),
        );
        let chosen = select_challenge(&headers).unwrap().unwrap();
        assert_eq!(chosen.algorithm, Algorithm::Sha256);
    }

    #[test]
    fn unsupported_challenges_are_typed_errors() {
        for bad in [
            "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1024",
            "Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"",
            "Digest realm=\"r\"",
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(WWW_AUTHENTICATE, HeaderValue::from_str(bad).unwrap());
            match select_challenge(&headers) {
                Err(Error::Auth {
                    kind: AuthErrorKind::UnsupportedChallenge,
                    ..
                }) => {}
                other => panic!("{bad}: {other:?}"),
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"x\""),
        );
        assert!(select_challenge(&headers).unwrap().is_none());
    }

    #[test]
    fn nc_increments_per_reuse_and_resets_on_new_challenge() {
        let auth = DigestAuth::new("user".into(), Secret::from("pw"));
        assert!(auth.authorization("GET", "/x").unwrap().is_none());
        let mut headers = HeaderMap::new();
        headers.insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Digest realm=\"r\", nonce=\"n1\", qop=\"auth\""),
        );
        assert!(auth.accept_challenge(&headers).unwrap());
        for expected in 1..=3u32 {
            let h = auth.authorization("GET", "/x").unwrap().unwrap();
            assert!(h.is_sensitive());
            let text = h.to_str().unwrap();
            assert!(text.contains(&format!("nc={expected:08x}")), "{text}");
            assert!(!text.contains("pw\""));
        }
        assert_eq!(auth.current_nc(), Some(3));
        headers.insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Digest realm=\"r\", nonce=\"n2\", qop=\"auth\", stale=true"),
        );
        assert!(auth.accept_challenge(&headers).unwrap());
        let h = auth.authorization("GET", "/x").unwrap().unwrap();
        assert!(h.to_str().unwrap().contains("nc=00000001"));
        assert!(h.to_str().unwrap().contains("nonce=\"n2\""));
        assert_eq!(
            format!("{auth:?}"),
            "DigestAuth { public_key: \"user\", private_key: [redacted], .. }"
        );
    }

    #[test]
    fn session_variants_and_legacy_form() {
        let raw = parse_challenges("Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess, qop=auth");
        let c = DigestChallenge::from_raw(&raw[0]).unwrap();
        let ha1 = Algorithm::Md5.hash(&format!("{}:{}", Algorithm::Md5.hash("u:r:p"), "n:c"));
        let ha2 = Algorithm::Md5.hash("GET:/");
        assert_eq!(
            response(&c, "u", "p", "GET", "/", 1, "c"),
            Algorithm::Md5.hash(&format!("{ha1}:n:00000001:c:auth:{ha2}"))
        );
        let legacy =
            DigestChallenge::from_raw(&parse_challenges("Digest realm=\"r\", nonce=\"n\"")[0])
                .unwrap();
        let ha1 = Algorithm::Md5.hash("u:r:p");
        assert_eq!(
            response(&legacy, "u", "p", "GET", "/", 1, "c"),
            Algorithm::Md5.hash(&format!("{ha1}:n:{ha2}"))
        );
        assert!(!header_value(&legacy, "u", "p", "GET", "/", 1, "c").contains("nc="));
        assert_eq!(Algorithm::Sha512_256.hash("").len(), 64);
    }
}
