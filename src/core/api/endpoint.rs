//! The API endpoint a user types, read and judged before any request: only
//! `https://`, except for this device and the local network (a kiosk's
//! Ollama on the LAN), which may use plain `http://` with a visible notice;
//! never user info, a query or a fragment in a base URL. Pure: the page's
//! own scheme comes in as an argument.

use std::net::Ipv4Addr;

/// Where an endpoint's host is, as far as its name or address tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind {
    /// This device: `localhost`, 127.0.0.0/8, `[::1]`.
    Loopback,
    /// The local network: 10/8, 172.16/12, 192.168/16, 169.254/16,
    /// 100.64/10, fc00::/7, fe80::/10, `.local`/`.lan`/`.home.arpa`/
    /// `.internal` names and single-label names.
    Private,
    /// Anything else (the internet).
    Public,
}

/// A base URL that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https://` (else plain `http://`).
    pub https: bool,
    /// The host as written (lowercase; IPv6 without brackets).
    pub host: String,
    /// The port, when one is written.
    pub port: Option<u16>,
    /// Where the host is.
    pub kind: HostKind,
}

impl Endpoint {
    /// Whether images and the key travel without encryption.
    pub fn unencrypted(&self) -> bool {
        !self.https
    }
}

/// Why a base URL is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointError {
    /// Empty.
    #[error("no endpoint given")]
    Empty,
    /// Not `http://` or `https://`.
    #[error(
        "the endpoint must start with https:// (or http:// for this device or the local network)"
    )]
    NotHttp,
    /// Spaces or control characters inside.
    #[error("the endpoint contains spaces")]
    Whitespace,
    /// `user:password@host`: credentials belong in the key field.
    #[error("the endpoint contains a user name or password (user@host): put the key in the key field instead")]
    UserInfo,
    /// A `?query`.
    #[error("the endpoint contains a query (?…): give the base URL only")]
    Query,
    /// A `#fragment`.
    #[error("the endpoint contains a fragment (#…): give the base URL only")]
    Fragment,
    /// No host after the scheme.
    #[error("the endpoint has no host name")]
    NoHost,
    /// A port that is not a number from 1 to 65535.
    #[error("the endpoint's port is not a number from 1 to 65535")]
    BadPort,
    /// Characters no host name has.
    #[error("\"{0}\" is not a host name")]
    BadHost(String),
    /// Plain `http://` to a host on the internet.
    #[error("{0} is on the internet: use https:// (plain http:// is allowed only for this device or the local network)")]
    PlainHttpPublic(String),
    /// Plain `http://` from a page served over HTTPS (the browser blocks it),
    /// to a host that is not this device.
    #[error("this page was loaded over https, so the browser blocks http://{0}: give the endpoint https://, or open TallyScan over http on the local network")]
    MixedContent(String),
}

/// Reads and judges a base URL. `page_https` says whether the page itself
/// was served over HTTPS (browsers then block plain `http://` except to
/// this device).
pub fn parse_endpoint(input: &str, page_https: bool) -> Result<Endpoint, EndpointError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(EndpointError::Empty);
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(EndpointError::Whitespace);
    }
    let lower_start: String = s.chars().take(8).collect::<String>().to_ascii_lowercase();
    let (https, rest) = if lower_start.starts_with("https://") {
        (true, &s[8..])
    } else if lower_start.starts_with("http://") {
        (false, &s[7..])
    } else {
        return Err(EndpointError::NotHttp);
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err(EndpointError::UserInfo);
    }
    if tail.contains('?') {
        return Err(EndpointError::Query);
    }
    if tail.contains('#') {
        return Err(EndpointError::Fragment);
    }
    let (host, port) = split_host_port(authority)?;
    let kind = host_kind(&host)?;
    if !https && kind == HostKind::Public {
        return Err(EndpointError::PlainHttpPublic(host));
    }
    if !https && page_https && kind != HostKind::Loopback {
        return Err(EndpointError::MixedContent(host));
    }
    Ok(Endpoint {
        https,
        host,
        port,
        kind,
    })
}

fn split_host_port(authority: &str) -> Result<(String, Option<u16>), EndpointError> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or(EndpointError::NoHost)?;
        match after {
            "" => (h, None),
            p => (h, Some(p.strip_prefix(':').ok_or(EndpointError::BadPort)?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(EndpointError::NoHost);
    }
    let port = match port {
        None => None,
        Some(p) => Some(
            Some(p)
                .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse::<u16>().ok())
                .filter(|p| *p > 0)
                .ok_or(EndpointError::BadPort)?,
        ),
    };
    Ok((host.to_ascii_lowercase(), port))
}

fn host_kind(host: &str) -> Result<HostKind, EndpointError> {
    if let Ok(v4) = host.parse::<Ipv4Addr>() {
        return Ok(ipv4_kind(v4));
    }
    if host.contains(':') {
        return ipv6_segments(host)
            .map(ipv6_kind)
            .ok_or_else(|| EndpointError::BadHost(host.to_string()));
    }
    let name_ok = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || !c.is_ascii() || matches!(c, '-' | '.' | '_'))
        && !host.starts_with('.')
        && !host.contains("..");
    if !name_ok {
        return Err(EndpointError::BadHost(host.to_string()));
    }
    let name = host.trim_end_matches('.');
    if name == "localhost" || name.ends_with(".localhost") {
        return Ok(HostKind::Loopback);
    }
    let private_suffix = [".local", ".lan", ".home.arpa", ".internal", ".intranet"]
        .iter()
        .any(|s| name.ends_with(s));
    if private_suffix || !name.contains('.') {
        return Ok(HostKind::Private);
    }
    Ok(HostKind::Public)
}

fn ipv4_kind(ip: Ipv4Addr) -> HostKind {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        HostKind::Loopback
    } else if ip.is_private() || ip.is_link_local() || (a == 100 && (64..128).contains(&b)) {
        HostKind::Private
    } else {
        HostKind::Public
    }
}

/// The eight groups of an IPv6 address ("::" expanded; a trailing
/// dotted IPv4 taken as two groups). Written out rather than using the
/// standard library's parser, which costs the page more than this.
fn ipv6_segments(s: &str) -> Option<[u16; 8]> {
    let groups = |part: &str| -> Option<Vec<u16>> {
        if part.is_empty() {
            return Some(Vec::new());
        }
        let mut out = Vec::new();
        for g in part.split(':') {
            if let Ok(v4) = g.parse::<Ipv4Addr>() {
                let [a, b, c, d] = v4.octets();
                out.extend([u16::from_be_bytes([a, b]), u16::from_be_bytes([c, d])]);
            } else {
                let ok = (1..=4).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_hexdigit());
                out.push(ok.then(|| u16::from_str_radix(g, 16).ok()).flatten()?);
            }
        }
        Some(out)
    };
    let (head, tail) = match s.split_once("::") {
        Some((h, t)) if !t.contains("::") => (groups(h)?, Some(groups(t)?)),
        Some(_) => return None,
        None => (groups(s)?, None),
    };
    let fill = 8usize.checked_sub(head.len() + tail.as_ref().map_or(0, Vec::len))?;
    if tail.is_none() && fill != 0 || tail.is_some() && fill == 0 {
        return None;
    }
    let all: Vec<u16> = head
        .into_iter()
        .chain(std::iter::repeat_n(0, fill))
        .chain(tail.unwrap_or_default())
        .collect();
    all.try_into().ok()
}

fn ipv6_kind(g: [u16; 8]) -> HostKind {
    if g == [0, 0, 0, 0, 0, 0, 0, 1] {
        return HostKind::Loopback;
    }
    if g[..5] == [0; 5] && g[5] == 0xffff {
        let [a, b] = g[6].to_be_bytes();
        let [c, d] = g[7].to_be_bytes();
        return ipv4_kind(Ipv4Addr::new(a, b, c, d));
    }
    if (g[0] & 0xfe00) == 0xfc00 || (g[0] & 0xffc0) == 0xfe80 {
        HostKind::Private
    } else {
        HostKind::Public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(cases: &[(&str, Result<HostKind, EndpointError>)]) {
        for (url, want) in cases {
            assert_eq!(&parse_endpoint(url, false).map(|e| e.kind), want, "{url}");
        }
    }

    #[test]
    fn accepted_endpoints_and_where_they_are() {
        let cases = [
            ("https://openrouter.ai/api/v1", HostKind::Public),
            ("HTTPS://api.openai.com/v1/", HostKind::Public),
            ("http://127.0.0.1:11434/v1", HostKind::Loopback),
            ("http://localhost:8000/v1", HostKind::Loopback),
            ("http://[::1]:8787/v1", HostKind::Loopback),
            ("http://192.168.1.20:11434/v1", HostKind::Private),
            ("http://10.0.0.5/v1", HostKind::Private),
            ("http://172.20.1.1:8000", HostKind::Private),
            ("http://169.254.3.4", HostKind::Private),
            ("http://100.101.102.103:11434/v1", HostKind::Private),
            ("http://[fd12::1]:11434", HostKind::Private),
            ("http://[fe80::1]", HostKind::Private),
            ("http://[0:0:0:0:0:0:0:1]:80", HostKind::Loopback),
            ("http://[::ffff:192.168.1.2]", HostKind::Private),
            ("https://[2001:db8::8a2e:370:7334]", HostKind::Public),
            ("http://gpu-box:11434/v1", HostKind::Private),
            ("http://ollama.local:11434/v1", HostKind::Private),
            ("http://kiosk.home.arpa/v1", HostKind::Private),
            ("https://8.8.8.8/v1", HostKind::Public),
        ];
        check(&cases.map(|(url, k)| (url, Ok(k))));
        let e = parse_endpoint(" http://192.168.1.20:11434/v1 ", false).unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.https),
            ("192.168.1.20", Some(11434), false)
        );
        assert!(e.unencrypted());
    }

    #[test]
    fn refused_endpoints_say_why() {
        let cases = [
            ("", EndpointError::Empty),
            ("ftp://x.org", EndpointError::NotHttp),
            ("openrouter.ai/api/v1", EndpointError::NotHttp),
            ("https://open router.ai", EndpointError::Whitespace),
            (
                "https://user:pw@api.example.com/v1",
                EndpointError::UserInfo,
            ),
            ("https://api.example.com/v1?key=sk-1", EndpointError::Query),
            ("https://api.example.com/v1#x", EndpointError::Fragment),
            ("https:///v1", EndpointError::NoHost),
            ("https://api.example.com:0/v1", EndpointError::BadPort),
            ("https://api.example.com:99999/v1", EndpointError::BadPort),
            ("https://api.example.com:ab/v1", EndpointError::BadPort),
            (
                "https://exa<mple.com",
                EndpointError::BadHost("exa<mple.com".into()),
            ),
            (
                "http://api.openai.com/v1",
                EndpointError::PlainHttpPublic("api.openai.com".into()),
            ),
            (
                "http://8.8.8.8/v1",
                EndpointError::PlainHttpPublic("8.8.8.8".into()),
            ),
            (
                "http://0.0.0.0:11434/v1",
                EndpointError::PlainHttpPublic("0.0.0.0".into()),
            ),
        ];
        check(&cases.map(|(url, e)| (url, Err(e))));
        assert!(!EndpointError::Query.to_string().is_empty());
    }

    #[test]
    fn an_https_page_may_reach_only_this_device_over_http() {
        assert!(parse_endpoint("http://127.0.0.1:11434/v1", true).is_ok());
        assert!(parse_endpoint("https://api.openai.com/v1", true).is_ok());
        assert_eq!(
            parse_endpoint("http://192.168.1.20:11434/v1", true),
            Err(EndpointError::MixedContent("192.168.1.20".into()))
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,60}", page_https: bool) {
            let _ = parse_endpoint(&s, page_https);
            let _ = parse_endpoint(&format!("http://{s}"), page_https);
            let _ = parse_endpoint(&format!("https://[{s}"), page_https);
        }
    }
}
