//! What `quire serve` answers: the page and its assets, the state of the
//! latest build, the print pages' drawing, the ebook's files, a block's place,
//! the editor and the event stream. Everything else is refused: a request
//! with a `Host` this server is not (403), any method but GET (405), and any
//! path that is not one of these (404): `..` and `.` segments (also encoded),
//! empty segments, backslashes and NULs are refused before any lookup, and
//! the lookups are in the build's own tables, never on disk.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::http::{Answer, Events, Request, Response};
use super::{Shared, View};
use crate::model::{BlockId, TextPos};

const INDEX: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// The page's own policy: its script and style only, frames and images from here.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/// The ebook's documents run nothing (the manuscript's raw HTML is escaped
/// text already; this holds even if it were not).
const EBOOK_POLICY: &str = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; frame-ancestors 'self'";

fn send(status: u16, media_type: &str, body: Vec<u8>, policy: &str) -> Answer {
    Answer::Respond(
        Response::new(status, body)
            .with("Content-Type", media_type)
            .with("Cache-Control", "no-store")
            .with("X-Content-Type-Options", "nosniff")
            .with("Referrer-Policy", "no-referrer")
            .with("Content-Security-Policy", policy),
    )
}

fn refuse(status: u16, why: &str) -> Answer {
    let response = Response::plain(status, why);
    Answer::Respond(if status == 405 {
        response.with("Allow", "GET")
    } else {
        response
    })
}

/// Answers one request.
pub(super) fn answer(request: &Request, shared: &Shared) -> Answer {
    // DNS rebinding: a page from elsewhere reaches us under its own host name.
    if !request.header("Host").is_some_and(|h| shared.answers_to(h)) {
        return refuse(403, "this server answers only to its own address");
    }
    if request.method != "GET" {
        return refuse(405, "only GET is answered");
    }
    let url = request.target.as_str();
    let (raw_path, query) = url.split_once('?').unwrap_or((url, ""));
    let Some(path) = clean_path(raw_path) else {
        return refuse(404, "not found");
    };
    let query = parse_query(query);
    let live = match shared.live.lock() {
        Ok(live) => (live.view.clone(), live.state.clone()),
        Err(_) => return refuse(500, "the server stopped"),
    };
    let (view, state) = live;
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    match segments.as_slice() {
        [""] => {
            let page = INDEX.replace("{{token}}", &shared.token);
            send(
                200,
                "text/html; charset=utf-8",
                page.into_bytes(),
                PAGE_POLICY,
            )
        }
        ["assets", "app.js"] => send(
            200,
            "text/javascript; charset=utf-8",
            SCRIPT.into(),
            PAGE_POLICY,
        ),
        ["assets", "app.css"] => send(200, "text/css; charset=utf-8", STYLE.into(), PAGE_POLICY),
        ["state.json"] => send(
            200,
            "application/json",
            state.as_bytes().to_vec(),
            PAGE_POLICY,
        ),
        ["events"] => events(request, shared),
        _ => match view {
            Some(view) => from_view(&view, &segments, &query, shared),
            None => refuse(404, "not built yet"),
        },
    }
}

/// What the latest good build answers.
fn from_view(
    view: &View,
    segments: &[&str],
    query: &[(String, String)],
    shared: &Shared,
) -> Answer {
    let preview = &view.preview;
    match segments {
        ["glyphs.json"] => send(
            200,
            "application/json",
            view.sheet.clone().into_bytes(),
            PAGE_POLICY,
        ),
        ["page", name] => {
            let index = name
                .strip_suffix(".json")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&n| n < preview.laid_out.pages.pages.len());
            let Some(index) = index else {
                return refuse(404, "no such page");
            };
            let laid = &preview.laid_out;
            let lines = laid.lines.get(index).map_or(&[][..], |l| &l[..]);
            let drawn = super::draw::page(
                &laid.pages.pages[index],
                index,
                &preview.fonts,
                &laid.geometry,
                lines,
                &|id| format!("/image/{}", id.0),
            );
            send(200, "application/json", drawn.into_bytes(), PAGE_POLICY)
        }
        ["image", id] => {
            let image = id
                .parse::<usize>()
                .ok()
                .and_then(|i| preview.book.images.get(i));
            match image {
                Some(image) => send(
                    200,
                    image.format.media_type(),
                    image.bytes.to_vec(),
                    PAGE_POLICY,
                ),
                None => refuse(404, "no such image"),
            }
        }
        ["epub", rest @ ..] => match preview.ebook.files.get(&rest.join("/")) {
            Some(file) => send(200, file.media_type, file.bytes.clone(), EBOOK_POLICY),
            None => refuse(404, "not in the ebook"),
        },
        ["where"] => {
            let number = |name: &str| {
                query
                    .iter()
                    .find(|(k, _)| k == name)
                    .and_then(|(_, v)| v.parse::<u32>().ok())
            };
            let Some(block) = number("block").map(BlockId) else {
                return refuse(404, "no such block");
            };
            let Some((section, place)) = view.block(block) else {
                return refuse(404, "no such block");
            };
            let pos = TextPos {
                block,
                offset: number("offset").unwrap_or(0),
            };
            let body = serde_json::json!({
                "block": block.0,
                "page": view.page_of(pos),
                "doc": section,
                "file": place.as_ref().map(|p| p.file.clone()),
                "line": place.as_ref().map(|p| p.line),
                "column": place.as_ref().map(|p| p.column),
            });
            send(
                200,
                "application/json",
                body.to_string().into_bytes(),
                PAGE_POLICY,
            )
        }
        ["open"] => open_in_editor(view, query, shared),
        _ => refuse(404, "not found"),
    }
}

/// Runs the `--editor` template on the file and line of a block the page
/// names; the page must show this session's token.
fn open_in_editor(view: &View, query: &[(String, String)], shared: &Shared) -> Answer {
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if value("token") != Some(shared.token.as_str()) {
        return refuse(403, "this page did not come from this server");
    }
    let Some(template) = &shared.editor else {
        return refuse(404, "no editor: start quire serve with --editor");
    };
    let place = value("block")
        .and_then(|b| b.parse::<u32>().ok())
        .and_then(|b| view.block(BlockId(b)))
        .and_then(|(_, place)| place);
    let Some(place) = place else {
        return refuse(404, "no source for this block");
    };
    let file = shared.root.join(&place.file);
    let args = editor_command(template, &file.to_string_lossy(), place.line, place.column);
    let Some((program, args)) = args.split_first() else {
        return refuse(404, "the --editor template is empty");
    };
    match std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .spawn()
    {
        Ok(mut child) => {
            // Reap it when it ends, without waiting here (with no thread to
            // spare, it is reaped when quire exits).
            let _ = std::thread::Builder::new().spawn(move || child.wait());
            send(
                200,
                "application/json",
                br#"{"opened":true}"#.to_vec(),
                PAGE_POLICY,
            )
        }
        Err(e) => refuse(500, &format!("cannot run {program}: {e}")),
    }
}

/// The editor's arguments: the template split at spaces, `{file}`, `{line}`
/// and `{column}` replaced in each (no shell ever sees them).
pub fn editor_command(template: &str, file: &str, line: u32, column: u32) -> Vec<String> {
    template
        .split_whitespace()
        .map(|arg| {
            arg.replace("{file}", file)
                .replace("{line}", &line.to_string())
                .replace("{column}", &column.to_string())
        })
        .collect()
}

/// The event stream: a WebSocket that hears `{"version":N,"changed":[[page,key],…]}`
/// after each build (at first, just the current version).
fn events(request: &Request, shared: &Shared) -> Answer {
    let upgrade = request
        .header("Upgrade")
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    // A page from another origin may open a WebSocket here: only ours may.
    let origin_ok = request.header("Origin").is_none_or(|origin| {
        shared
            .hosts
            .iter()
            .any(|h| origin.eq_ignore_ascii_case(&format!("http://{h}")))
    });
    let Some(key) = request.header("Sec-WebSocket-Key") else {
        return refuse(404, "the event stream is a WebSocket");
    };
    if !upgrade {
        return refuse(404, "the event stream is a WebSocket");
    }
    if !origin_ok {
        return refuse(403, "this page did not come from this server");
    }
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let response = Response::new(101, Vec::new())
        .with("Upgrade", "websocket")
        .with("Connection", "Upgrade")
        .with("Sec-WebSocket-Accept", accept);
    let (sender, messages) = std::sync::mpsc::channel::<Arc<str>>();
    let version = shared.live.lock().map(|l| l.version).unwrap_or(0);
    let _ = sender.send(format!("{{\"version\":{version}}}").into());
    let id = shared.next_client.fetch_add(1, Ordering::SeqCst);
    if let Ok(mut clients) = shared.clients.lock() {
        clients.push((id, sender));
    }
    Answer::Upgrade(response, Events { id, messages })
}

/// The path, percent-decoded, when it is one this server could answer:
/// starting with `/`, no empty, `.` or `..` segments (encoded or not), no
/// backslash or NUL, valid UTF-8. `None` otherwise.
pub fn clean_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') {
        return None;
    }
    let decoded = percent_decode(raw)?;
    let segments: Vec<&str> = decoded.split('/').skip(1).collect();
    let last = segments.len().saturating_sub(1);
    for (i, segment) in segments.iter().enumerate() {
        if (segment.is_empty() && !(i == last && segments.len() == 1))
            || *segment == "."
            || *segment == ".."
            || segment.contains(['\\', '\0', ':'])
        {
            return None;
        }
    }
    Some(decoded)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            Some((percent_decode(k)?, percent_decode(&v.replace('+', " "))?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_views_are_refused() {
        assert_eq!(clean_path("/").as_deref(), Some("/"));
        assert_eq!(
            clean_path("/epub/chapter-1.xhtml").as_deref(),
            Some("/epub/chapter-1.xhtml")
        );
        for bad in [
            "/epub/../../etc/passwd",
            "/epub/%2e%2e/%2e%2e/etc/passwd",
            "/epub/%2E%2E/x",
            "/epub/./x",
            "//etc/passwd",
            "/epub//etc/passwd",
            "/epub/..%5c..%5cwin.ini",
            "/epub/x%00",
            "/epub/%zz",
            "/C:/Windows",
            "etc/passwd",
            "http://example.com/",
        ] {
            assert_eq!(clean_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_editor_template_is_split_before_it_is_filled() {
        assert_eq!(
            editor_command("code -g {file}:{line}", "/b/my book.md; rm -rf", 12, 3),
            vec!["code", "-g", "/b/my book.md; rm -rf:12"]
        );
        assert_eq!(
            editor_command("vim +{line} {file}", "a.md", 2, 1),
            vec!["vim", "+2", "a.md"]
        );
    }
}
