//! The server's loop: the open documents, their checks, and every request. One thread
//! handles messages in order; a burst of changes is checked once, after the last of them
//! (the queue is drained before a check), so typing never waits on stale checks.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use akbp_core::check::{self, FileReport, Options};
use akbp_core::load;
use akbp_core::target::Target;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeConfiguration, DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest,
    Request as _,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, CodeActionResponse, CompletionItem, CompletionItemKind,
    CompletionOptions, CompletionParams, CompletionResponse, CompletionTextEdit, Diagnostic,
    DiagnosticSeverity, DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse,
    Documentation, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams,
    HoverProviderCapability, Location, MarkupContent, MarkupKind, MessageType, OneOf, Position,
    PublishDiagnosticsParams, Range, ServerCapabilities, ServerInfo, ShowMessageParams, SymbolKind,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};
use serde_json::Value;

use crate::actions::{self, QuickFix};
use crate::complete::{self, Kind};
use crate::host::Host;
use crate::position::LineIndex;
use crate::{diagnostics, hover, navigate, views};

/// One open document.
struct Document {
    text: String,
    version: i32,
    index: LineIndex,
    /// The diagnostics last published, and the quick fixes of their findings.
    diagnostics: Vec<Diagnostic>,
    fixes: Vec<QuickFix>,
    /// The release its last check used (its comment, its akbp.toml, or the client's).
    target: Target,
}

impl Document {
    fn new(text: String, version: i32) -> Document {
        Document {
            index: LineIndex::new(&text),
            text,
            version,
            diagnostics: Vec::new(),
            fixes: Vec::new(),
            target: Target::LATEST,
        }
    }
}

struct Server<'h> {
    connection: Connection,
    host: &'h dyn Host,
    rule_docs: String,
    documents: HashMap<Uri, Document>,
    /// Documents changed since their last check.
    dirty: BTreeSet<Uri>,
    /// The client's `target` setting (initializationOptions or workspace configuration).
    client_target: Option<Target>,
}

/// Serve over standard input and output until the client says `exit`.
pub fn serve_stdio(host: &dyn Host) -> Result<(), String> {
    let (connection, io) = Connection::stdio();
    serve(connection, host)?;
    io.join().map_err(|e| format!("the connection failed: {e}"))
}

/// The capabilities akbp offers.
fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["!".into(), " ".into(), "[".into()]),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// Serve one connection: the initialize handshake, then messages until `exit`.
pub fn serve(connection: Connection, host: &dyn Host) -> Result<(), String> {
    let init = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "akbp".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        },
    });
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("the client did not initialize: {e}"))?;
    connection
        .initialize_finish(id, init)
        .map_err(|e| format!("the client did not initialize: {e}"))?;
    let mut server = Server {
        connection,
        host,
        rule_docs: host.rule_docs(),
        documents: HashMap::new(),
        dirty: BTreeSet::new(),
        client_target: None,
    };
    if let Some(options) = params.get("initializationOptions") {
        server.configure(options);
    }
    server.run()
}

/// `{"target": "2026.2"}` or `{"akbp": {"target": "2026.2"}}` (as clients send settings).
fn target_setting(settings: &Value) -> Option<Result<Target, String>> {
    let value = settings
        .get("akbp")
        .and_then(|a| a.get("target"))
        .or_else(|| settings.get("target"))?;
    match value {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().parse::<Target>().map_err(|e| e.to_string())),
        other => Some(Err(format!(
            "`target` must be a string like \"2026.2\", not {other}"
        ))),
    }
}

impl Server<'_> {
    fn run(&mut self) -> Result<(), String> {
        loop {
            let message = if self.dirty.is_empty() {
                match self.connection.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(()),
                }
            } else {
                match self.connection.receiver.try_recv() {
                    Ok(m) => m,
                    Err(e) if e.is_empty() => {
                        self.check_dirty();
                        continue;
                    }
                    Err(_) => return Ok(()),
                }
            };
            match message {
                Message::Request(request) => {
                    let shutdown = self
                        .connection
                        .handle_shutdown(&request)
                        .map_err(|e| e.to_string())?;
                    if shutdown {
                        return Ok(());
                    }
                    let response = self.request(request);
                    self.send(Message::Response(response));
                }
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) {
        // The client went away: the loop ends when the receiver closes.
        let _ = self.connection.sender.send(message);
    }

    fn notify<N: lsp_types::notification::Notification>(&self, params: N::Params) {
        self.send(Message::Notification(Notification::new(
            N::METHOD.to_string(),
            params,
        )));
    }

    fn configure(&mut self, settings: &Value) {
        match target_setting(settings) {
            Some(Ok(t)) => self.client_target = Some(t),
            Some(Err(e)) => {
                self.client_target = None;
                self.notify::<ShowMessage>(ShowMessageParams {
                    typ: MessageType::WARNING,
                    message: format!("akbp: the `target` setting is not used: {e}"),
                });
            }
            None => self.client_target = None,
        }
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                {
                    let doc = p.text_document;
                    self.documents
                        .insert(doc.uri.clone(), Document::new(doc.text, doc.version));
                    self.dirty.insert(doc.uri);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                {
                    let uri = p.text_document.uri;
                    let Some(doc) = self.documents.get_mut(&uri) else {
                        return;
                    };
                    for change in p.content_changes {
                        match change.range {
                            // Full sync is what akbp asks for; a range is applied all the same.
                            Some(range) => {
                                let start = doc.index.offset(&doc.text, range.start);
                                let end = doc.index.offset(&doc.text, range.end).max(start);
                                doc.text.replace_range(start..end, &change.text);
                            }
                            None => doc.text = change.text,
                        }
                        doc.index = LineIndex::new(&doc.text);
                    }
                    doc.version = p.text_document.version;
                    self.dirty.insert(uri);
                }
            }
            DidSaveTextDocument::METHOD => {
                // The file's akbp.toml may have changed meanwhile: check again.
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params)
                {
                    if self.documents.contains_key(&p.text_document.uri) {
                        self.dirty.insert(p.text_document.uri);
                    }
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                {
                    self.documents.remove(&p.text_document.uri);
                    self.dirty.remove(&p.text_document.uri);
                    self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
                        uri: p.text_document.uri,
                        diagnostics: Vec::new(),
                        version: None,
                    });
                }
            }
            DidChangeConfiguration::METHOD => {
                if let Some(settings) = n.params.get("settings") {
                    self.configure(&settings.clone());
                    self.dirty.extend(self.documents.keys().cloned());
                }
            }
            _ => {}
        }
    }

    fn check_dirty(&mut self) {
        for uri in std::mem::take(&mut self.dirty) {
            self.check(&uri);
        }
    }

    /// Check one open document and publish its diagnostics.
    fn check(&mut self, uri: &Uri) {
        let path = file_path(uri);
        let (options, problem) = match self.host.options(path.as_deref(), self.client_target) {
            Ok(o) => (o, None),
            Err(e) => (
                Options {
                    target: self.client_target.unwrap_or(Target::LATEST),
                    ..Options::default()
                },
                Some(e),
            ),
        };
        let Some(doc) = self.documents.get_mut(uri) else {
            return;
        };
        let name = path
            .as_ref()
            .map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string());
        let report = check_text(&name, &doc.text, &options);
        doc.target = report.target;
        let mut diagnostics =
            diagnostics::diagnostics(&report, &doc.text, &doc.index, uri, &self.rule_docs);
        doc.fixes = actions::quick_fixes(&report, &doc.text, &doc.index);
        if let Some(problem) = problem {
            diagnostics.push(
                Diagnostic {
                    range: Range::new(Position::new(0, 0), Position::new(0, 0)),
                    severity: Some(DiagnosticSeverity::ERROR),
                    source: Some("akbp".into()),
                    message: format!(
                        "akbp.toml cannot be used, so this file is checked with the defaults: {problem}"
                    ),
                    ..Default::default()
                },
            );
        }
        doc.diagnostics = diagnostics.clone();
        let version = Some(doc.version);
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        });
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        match request.method.as_str() {
            HoverRequest::METHOD => self.reply(id, request, |s, p: HoverParams| {
                let at = &p.text_document_position_params;
                s.hover(&at.text_document.uri, at.position)
            }),
            Completion::METHOD => self.reply(id, request, |s, p: CompletionParams| {
                let at = &p.text_document_position;
                s.completion(&at.text_document.uri, at.position)
            }),
            GotoDefinition::METHOD => self.reply(id, request, |s, p: GotoDefinitionParams| {
                let at = &p.text_document_position_params;
                s.definition(&at.text_document.uri, at.position)
            }),
            CodeActionRequest::METHOD => self.reply(id, request, |s, p: CodeActionParams| {
                s.code_actions(&p.text_document.uri, &p.range)
            }),
            DocumentSymbolRequest::METHOD => {
                self.reply(id, request, |s, p: DocumentSymbolParams| {
                    s.symbols(&p.text_document.uri)
                })
            }
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("akbp does not answer {}", request.method),
            ),
        }
    }

    fn reply<P: serde::de::DeserializeOwned, R: serde::Serialize>(
        &mut self,
        id: RequestId,
        request: Request,
        answer: impl FnOnce(&mut Self, P) -> R,
    ) -> Response {
        // Answer from the text as it is now, not from a check still pending.
        match serde_json::from_value::<P>(request.params) {
            Ok(params) => Response::new_ok(id, answer(self, params)),
            Err(e) => Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("{}: {e}", request.method),
            ),
        }
    }

    fn hover(&mut self, uri: &Uri, position: Position) -> Option<Hover> {
        self.check_pending(uri);
        let doc = self.documents.get(uri)?;
        let at = doc.index.offset(&doc.text, position);
        let views = views::views(&doc.text);
        let found = hover::hover(&views, at, doc.target)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: found.markdown,
            }),
            range: Some(doc.index.range(&doc.text, found.span.0, found.span.1)),
        })
    }

    fn completion(&mut self, uri: &Uri, position: Position) -> Option<CompletionResponse> {
        self.check_pending(uri);
        let doc = self.documents.get(uri)?;
        let at = doc.index.offset(&doc.text, position);
        let (items, (start, end)) = complete::complete(&doc.text, at, doc.target)?;
        let range = doc.index.range(&doc.text, start, end);
        let items = items
            .into_iter()
            .map(|i| CompletionItem {
                kind: Some(match i.kind {
                    Kind::Model => CompletionItemKind::CLASS,
                    Kind::Field => CompletionItemKind::FIELD,
                    Kind::Value => CompletionItemKind::ENUM_MEMBER,
                    Kind::Tag => CompletionItemKind::KEYWORD,
                    Kind::Reference => CompletionItemKind::REFERENCE,
                }),
                detail: i.detail,
                documentation: i.documentation.map(|d| {
                    Documentation::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: d,
                    })
                }),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range,
                    new_text: i.insert.unwrap_or_else(|| i.label.clone()),
                })),
                label: i.label,
                ..Default::default()
            })
            .collect();
        Some(CompletionResponse::Array(items))
    }

    /// The quick fixes of the diagnostics that touch `range`.
    fn code_actions(&mut self, uri: &Uri, range: &Range) -> Option<CodeActionResponse> {
        self.check_pending(uri);
        let doc = self.documents.get(uri)?;
        let actions = doc
            .fixes
            .iter()
            .filter_map(|fix| {
                let diagnostic = doc.diagnostics.get(fix.diagnostic)?;
                actions::touches(&diagnostic.range, range).then(|| {
                    CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic.clone()]),
                        edit: Some(WorkspaceEdit {
                            changes: Some([(uri.clone(), fix.edits.clone())].into()),
                            ..Default::default()
                        }),
                        is_preferred: Some(fix.safe),
                        ..Default::default()
                    })
                })
            })
            .collect();
        Some(actions)
    }

    fn definition(&mut self, uri: &Uri, position: Position) -> Option<GotoDefinitionResponse> {
        let doc = self.documents.get(uri)?;
        let at = doc.index.offset(&doc.text, position);
        let (start, end) = navigate::definition(&views::views(&doc.text), at)?;
        Some(GotoDefinitionResponse::Scalar(Location {
            uri: uri.clone(),
            range: doc.index.range(&doc.text, start, end),
        }))
    }

    fn symbols(&mut self, uri: &Uri) -> Option<DocumentSymbolResponse> {
        let doc = self.documents.get(uri)?;
        let symbols = navigate::symbols(&views::views(&doc.text))
            .into_iter()
            .map(|s| {
                #[allow(deprecated)] // `deprecated` is a required field of the type
                DocumentSymbol {
                    name: s.name,
                    detail: s.detail,
                    kind: SymbolKind::OBJECT,
                    tags: None,
                    deprecated: None,
                    range: doc.index.range(&doc.text, s.span.0, s.span.1),
                    selection_range: doc.index.range(&doc.text, s.selection.0, s.selection.1),
                    children: None,
                }
            })
            .collect();
        Some(DocumentSymbolResponse::Nested(symbols))
    }

    /// A request about a document changed since its last check: check it first, so the
    /// answer uses the target its text says now.
    fn check_pending(&mut self, uri: &Uri) {
        if self.dirty.remove(uri) {
            self.check(uri);
        }
    }
}

/// Check a document's text as `akbp validate` checks a file found in a folder: a YAML file
/// that is no blueprint (nor holds one) is skipped without a finding.
pub fn check_text(name: &str, text: &str, options: &Options) -> FileReport {
    match load::decode(name, text.as_bytes().to_vec()) {
        Ok(source) => check::located::check_file(source, options, false),
        Err(e) => check::failed_file(name, None, &e).resolved(options),
    }
}

/// The path of a `file:` URI (percent-decoded); `None` for other schemes (`untitled:`).
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///path` or `file://localhost/path`; another host is no local file.
    let path = match rest.find('/') {
        Some(0) => rest,
        Some(i) if &rest[..i] == "localhost" => &rest[i..],
        _ => return None,
    };
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = path
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let decoded = String::from_utf8(out).ok()?;
    // `file:///C:/x` on Windows.
    let decoded = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() && cfg!(windows) => {
            decoded[1..].to_string()
        }
        _ => decoded,
    };
    Some(PathBuf::from(decoded))
}
