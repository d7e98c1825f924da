//! A language client for `akbp lsp` over stdio, for tests/lsp.rs and benches/lsp.rs: the
//! built binary, JSON-RPC framed with Content-Length headers. Positions are this file's own
//! reading of the protocol (lines broken at `\n`, `\r\n`, `\r`; characters in UTF-16
//! code units), never akbp's.
#![allow(dead_code)] // each user takes its own subset

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use serde_json::{json, Value};

/// Long enough for a loaded CI machine; only a hang hits it.
pub const WAIT: Duration = Duration::from_secs(60);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// Messages read while waiting for another one.
    backlog: Vec<Value>,
}

pub fn read_message(r: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    r.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Start `akbp lsp` (the binary `bin`) in `dir` and initialize it with `options`.
    pub fn start_with(bin: &str, dir: &Path, options: Value) -> Client {
        let mut child = Command::new(bin)
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start akbp lsp");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            while let Some(m) = read_message(&mut stdout) {
                if tx.send(m).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 0,
            backlog: Vec::new(),
        };
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {},
                   "initializationOptions": options}),
        );
        assert_eq!(
            init["result"]["capabilities"]["hoverProvider"], true,
            "{init}"
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "akbp", "{init}");
        client.notify("initialized", json!({}));
        client
    }

    pub fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == id && m.get("method").is_none())
    }

    /// The first message (already read or still to come) that `wanted` accepts.
    pub fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&wanted) {
            return self.backlog.remove(i);
        }
        loop {
            match self.messages.recv_timeout(WAIT) {
                Ok(m) if wanted(&m) => return m,
                Ok(m) => self.backlog.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("no answer from akbp lsp"),
                Err(RecvTimeoutError::Disconnected) => panic!("akbp lsp exited"),
            }
        }
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    pub fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version},
                   "contentChanges": [{"text": text}]}),
        );
    }

    /// The diagnostics published for `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub fn hover(&mut self, uri: &str, at: Pos) -> Value {
        self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": at.0, "character": at.1}}),
        )["result"]
            .clone()
    }

    pub fn shutdown(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "akbp lsp exited with {status}");
    }
}

/// (line, character): the protocol's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos(pub u64, pub u64);

/// The protocol's position of byte offset `at` in `text`, counted here independently:
/// lines end at `\n`, `\r\n` or `\r`, characters are UTF-16 code units.
pub fn pos(text: &str, at: usize) -> Pos {
    let before = &text[..at];
    let mut line = 0;
    let mut start = 0;
    let mut chars = before.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let brk = match c {
            '\r' if chars.peek().map(|(_, n)| *n) == Some('\n') => {
                chars.next();
                Some(i + 2)
            }
            '\r' | '\n' => Some(i + 1),
            _ => None,
        };
        if let Some(s) = brk {
            line += 1;
            start = s;
        }
    }
    Pos(line, before[start..].encode_utf16().count() as u64)
}

/// Where `needle` (its `nth` occurrence, 0-based) starts and ends in `text`.
pub fn span_of(text: &str, needle: &str, nth: usize) -> (Pos, Pos) {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} in the text"))
        .0;
    (pos(text, at), pos(text, at + needle.len()))
}

pub fn range_of(d: &Value) -> (Pos, Pos) {
    let p = |v: &Value| {
        Pos(
            v["line"].as_u64().unwrap(),
            v["character"].as_u64().unwrap(),
        )
    };
    (p(&d["range"]["start"]), p(&d["range"]["end"]))
}

pub fn codes(ds: &[Value]) -> Vec<String> {
    let mut c: Vec<String> = ds
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    c.sort();
    c.dedup();
    c
}

pub fn uri_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

pub fn repository() -> &'static str {
    env!("CARGO_PKG_REPOSITORY")
}

/// The byte offset of a protocol position in `text` (the inverse of [`pos`]).
pub fn offset(text: &str, at: Pos) -> usize {
    (0..=text.len())
        .filter(|i| text.is_char_boundary(*i))
        .find(|i| pos(text, *i) == at)
        .unwrap_or_else(|| panic!("{at:?} is no position of the text"))
}

/// `text` with the protocol's `TextEdit`s applied (they do not overlap).
pub fn apply(text: &str, edits: &[Value]) -> String {
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            let (s, t) = range_of(e);
            (
                offset(text, s),
                offset(text, t),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, t, new) in edits {
        out.replace_range(s..t, new);
    }
    out
}
