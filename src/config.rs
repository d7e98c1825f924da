//! `akbp.toml`: per-folder configuration, found by walking up from each checked file.
//!
//! A file sets the target release, which rules run (`select`, `extend-select`, `ignore`),
//! per-rule or per-case severities, include and exclude globs for folder walks, and extra
//! placeholder patterns. The command line layers on top: `--target`, `--select` and
//! `--ignore` override it, `--exclude` and `--placeholder` extend it. `--config FILE` uses
//! one file for every input; `--isolated` uses none.
//!
//! Every setting ends up in a per-file [`Options`] (its [`Policy`] decides severities in the
//! one resolution step); nothing here looks at findings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::input::{Collected, Input, SkipReason, Skipped};
use crate::read;
use akbp_core::blueprint::placeholder::Placeholders;
use akbp_core::check::rules::rule_hint;
use akbp_core::check::{suggest::did_you_mean, Options, Policy, Rule, Severity, RULES};
use akbp_core::load::{self, SourceFile};
use akbp_core::target::Target;

/// The file name looked for in each folder, from the checked file's folder upwards.
pub const FILE_NAME: &str = "akbp.toml";

/// Every top-level key, for the unknown-key error.
const KEYS: [&str; 10] = [
    "target",
    "select",
    "extend-select",
    "ignore",
    "severity",
    "include",
    "exclude",
    "placeholders",
    "per-file-ignores",
    "show-info",
];

/// A configuration file that cannot be used: the run stops with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{at}: {message}", at = at(*.line, *.column))]
pub struct ConfigError {
    pub file: String,
    /// 1-based, when the problem has a place in the file.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

fn at(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        _ => String::new(),
    }
}

/// Rules named on one layer (the file, or the command line).
#[derive(Debug, Clone, Default)]
pub struct RuleSelection {
    /// When set, exactly these rules run (before `extend` and `ignore`).
    pub select: Option<Vec<&'static Rule>>,
    pub extend: Vec<&'static Rule>,
    pub ignore: Vec<&'static Rule>,
}

impl RuleSelection {
    /// Apply this layer on top of what earlier layers decided: `select` replaces the set,
    /// `extend` adds to it, `ignore` removes from it (ignore wins within one layer).
    pub fn apply(&self, policy: &mut Policy) {
        if let Some(select) = &self.select {
            for r in RULES {
                policy.set_enabled(r, false);
            }
            for r in select {
                policy.set_enabled(r, true);
            }
        }
        for r in &self.extend {
            policy.set_enabled(r, true);
        }
        // `ALL` switches everything on; naming a rule (or its group) asks for it.
        for list in [self.select.as_deref().unwrap_or_default(), &self.extend] {
            if list.len() < RULES.len() {
                list.iter().for_each(|r| policy.set_asked(r));
            }
        }
        for r in &self.ignore {
            policy.set_enabled(r, false);
        }
    }
}

/// One parsed `akbp.toml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file, as found (absolute).
    pub path: PathBuf,
    /// Its folder: `include` and `exclude` are relative to it.
    pub dir: PathBuf,
    pub target: Option<Target>,
    pub rules: RuleSelection,
    /// `(rule, case, severity)` in file order.
    pub severities: Vec<SeveritySetting>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub placeholders: Vec<String>,
    /// `[per-file-ignores]`: a glob (relative to `dir`, .gitignore syntax) and the rules
    /// switched off for the files it matches, in file order.
    pub per_file_ignores: Vec<(String, Vec<&'static Rule>)>,
    /// `show-info`: info findings appear in SARIF, GitHub and GitLab output too.
    pub show_info: Option<bool>,
}

/// The rules a selector names: `ALL`, a code (`AKB205`), a code prefix (`AKB2`), or a
/// rule name (`unknown-model`). Codes are matched in any case.
pub fn rules_named(selector: &str) -> Vec<&'static Rule> {
    let s = selector.trim();
    if s.eq_ignore_ascii_case("ALL") {
        return RULES.to_vec();
    }
    let upper = s.to_ascii_uppercase();
    RULES
        .iter()
        .copied()
        .filter(|r| r.name == s || (upper.starts_with("AKB") && r.code.starts_with(upper.as_str())))
        .collect()
}

/// `--select`/`--ignore` words to rules; an unknown one is an error with a suggestion.
pub fn selectors_from_flag(flag: &str, words: &[String]) -> Result<Vec<&'static Rule>, String> {
    let mut out = Vec::new();
    for w in words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        let rules = rules_named(w);
        if rules.is_empty() {
            return Err(format!("{flag}: no rule `{w}`{}", rule_hint(w)));
        }
        out.extend(rules);
    }
    Ok(out)
}

impl Config {
    /// Read and check one configuration file (through the bounded reader every input uses).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let name = path.display().to_string();
        let source = read::read_source(&read::RealFs, path, &name).map_err(|e| ConfigError {
            file: name.clone(),
            line: None,
            column: None,
            message: match e.kind {
                load::LoadErrorKind::TooLarge => format!(
                    "larger than {} MiB, the limit for every file akbp reads",
                    load::MAX_FILE_BYTES >> 20
                ),
                _ => e.message,
            },
        })?;
        let abs = absolute(path);
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut config = Config::parse(&source)?;
        config.path = abs;
        config.dir = dir;
        Ok(config)
    }

    /// Parse a configuration text; `source.name` is used in errors.
    pub fn parse(source: &SourceFile) -> Result<Config, ConfigError> {
        let fail = |span: std::ops::Range<usize>, message: String| {
            let p = source.position(span.start);
            ConfigError {
                file: source.name.to_string(),
                line: Some(p.line),
                column: Some(p.column),
                message,
            }
        };
        let table = DeTable::parse(&source.text).map_err(|e| {
            let message = format!("not valid TOML: {}", e.message().trim_end());
            match e.span() {
                Some(span) => fail(span, message),
                None => ConfigError {
                    file: source.name.to_string(),
                    line: None,
                    column: None,
                    message,
                },
            }
        })?;
        let mut config = Config::default();
        for (key, value) in table.get_ref().iter() {
            let k: &str = key.get_ref();
            match k {
                "target" => {
                    let t = string(value, k).map_err(|m| fail(value.span(), m))?;
                    config.target = Some(
                        t.parse::<Target>()
                            .map_err(|e| fail(value.span(), format!("`target`: {e}")))?,
                    );
                }
                "select" => {
                    config.rules.select = Some(selectors(value, k).map_err(|(s, m)| fail(s, m))?)
                }
                "extend-select" => {
                    config.rules.extend = selectors(value, k).map_err(|(s, m)| fail(s, m))?
                }
                "ignore" => {
                    config.rules.ignore = selectors(value, k).map_err(|(s, m)| fail(s, m))?
                }
                "include" | "exclude" => {
                    let globs = strings(value, k).map_err(|(s, m)| fail(s, m))?;
                    check_globs(&globs).map_err(|m| fail(value.span(), format!("`{k}`: {m}")))?;
                    if k == "include" {
                        config.include = globs;
                    } else {
                        config.exclude = globs;
                    }
                }
                "placeholders" => {
                    let patterns = strings(value, k).map_err(|(s, m)| fail(s, m))?;
                    Placeholders::new(&patterns).map_err(|e| {
                        fail(
                            value.span(),
                            format!(
                                "`placeholders`: `{}` is not a valid regex: {}",
                                e.pattern, e.reason
                            ),
                        )
                    })?;
                    config.placeholders = patterns;
                }
                "severity" => {
                    config.severities = severities(value).map_err(|(s, m)| fail(s, m))?;
                }
                "per-file-ignores" => {
                    config.per_file_ignores =
                        per_file_ignores(value).map_err(|(s, m)| fail(s, m))?;
                }
                "show-info" => match value.get_ref() {
                    DeValue::Boolean(b) => config.show_info = Some(*b),
                    _ => {
                        return Err(fail(
                            value.span(),
                            "`show-info` must be true or false".into(),
                        ))
                    }
                },
                _ => {
                    let hint = match did_you_mean(k, KEYS) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => format!("known keys are {}", KEYS.join(", ")),
                    };
                    return Err(fail(key.span(), format!("unknown key `{k}`; {hint}")));
                }
            }
        }
        Ok(config)
    }

    /// Whether a file found by a folder walk is left out by `include`/`exclude`.
    /// `path` must be absolute; files outside the configuration's folder are never left out.
    pub fn skips(&self, path: &Path) -> bool {
        let Ok(relative) = path.strip_prefix(&self.dir) else {
            return false;
        };
        let matches = |globs: &[String]| {
            matcher(&self.dir, globs)
                .is_some_and(|m| m.matched_path_or_any_parents(relative, false).is_ignore())
        };
        (!self.include.is_empty() && !matches(&self.include)) || matches(&self.exclude)
    }
}

impl Config {
    /// The rules `[per-file-ignores]` switches off for `path` (absolute); none for a file
    /// outside the configuration's folder.
    pub fn ignored_for(&self, path: &Path) -> Vec<&'static Rule> {
        let Ok(relative) = path.strip_prefix(&self.dir) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (glob, rules) in &self.per_file_ignores {
            let hit = matcher(&self.dir, std::slice::from_ref(glob))
                .is_some_and(|m| m.matched_path_or_any_parents(relative, false).is_ignore());
            if hit {
                out.extend(rules.iter().copied());
            }
        }
        out
    }
}

fn matcher(root: &Path, globs: &[String]) -> Option<ignore::gitignore::Gitignore> {
    if globs.is_empty() {
        return None;
    }
    let mut b = ignore::gitignore::GitignoreBuilder::new(root);
    for g in globs {
        b.add_line(None, g).ok()?;
    }
    b.build().ok()
}

fn check_globs(globs: &[String]) -> Result<(), String> {
    let mut b = ignore::gitignore::GitignoreBuilder::new(".");
    for g in globs {
        b.add_line(None, g)
            .map_err(|e| format!("`{g}` is not a valid glob: {e}"))?;
    }
    b.build().map(|_| ()).map_err(|e| e.to_string())
}

type Located = (std::ops::Range<usize>, String);

/// One `[severity]` line: a rule, optionally one of its declared cases, and the severity.
pub type SeveritySetting = (&'static Rule, Option<&'static str>, Severity);

fn string<'v>(value: &'v Spanned<DeValue<'_>>, key: &str) -> Result<&'v str, String> {
    match value.get_ref() {
        DeValue::String(s) => Ok(s),
        _ => Err(format!("`{key}` must be a string")),
    }
}

fn strings(value: &Spanned<DeValue<'_>>, key: &str) -> Result<Vec<String>, Located> {
    let DeValue::Array(items) = value.get_ref() else {
        return Err((value.span(), format!("`{key}` must be a list of strings")));
    };
    items
        .iter()
        .map(|i| match i.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            _ => Err((i.span(), format!("`{key}` must be a list of strings"))),
        })
        .collect()
}

fn selectors(value: &Spanned<DeValue<'_>>, key: &str) -> Result<Vec<&'static Rule>, Located> {
    let DeValue::Array(items) = value.get_ref() else {
        return Err((
            value.span(),
            format!("`{key}` must be a list of rule codes or names"),
        ));
    };
    let mut out = Vec::new();
    for i in items.iter() {
        let DeValue::String(s) = i.get_ref() else {
            return Err((
                i.span(),
                format!("`{key}` must be a list of rule codes or names"),
            ));
        };
        let rules = rules_named(s);
        if rules.is_empty() {
            return Err((i.span(), format!("`{key}`: no rule `{s}`{}", rule_hint(s))));
        }
        out.extend(rules);
    }
    Ok(out)
}

/// `[per-file-ignores]`: keys are globs, values lists of rule codes, prefixes or names.
fn per_file_ignores(
    value: &Spanned<DeValue<'_>>,
) -> Result<Vec<(String, Vec<&'static Rule>)>, Located> {
    let DeValue::Table(table) = value.get_ref() else {
        return Err((
            value.span(),
            "`per-file-ignores` must be a table: `[per-file-ignores]` then `\"legacy/*.yaml\" = [\"AKB400\"]`".into(),
        ));
    };
    let mut out = Vec::new();
    for (key, v) in table.iter() {
        let glob: &str = key.get_ref();
        check_globs(&[glob.to_string()])
            .map_err(|m| (key.span(), format!("`per-file-ignores`: {m}")))?;
        let rules = selectors(v, &format!("per-file-ignores.\"{glob}\""))?;
        out.push((glob.to_string(), rules));
    }
    Ok(out)
}

/// `[severity]`: keys are a rule (code or name) or `RULE/case`, values a severity.
fn severities(value: &Spanned<DeValue<'_>>) -> Result<Vec<SeveritySetting>, Located> {
    let DeValue::Table(table) = value.get_ref() else {
        return Err((
            value.span(),
            "`severity` must be a table: `[severity]` then `AKB205 = \"warning\"`".into(),
        ));
    };
    let mut out = Vec::new();
    for (key, v) in table.iter() {
        let k: &str = key.get_ref();
        let (rule_word, case_word) = match k.split_once('/') {
            Some((r, c)) => (r, Some(c)),
            None => (k, None),
        };
        let Some(rule) = akbp_core::check::rule_by_code(rule_word) else {
            return Err((
                key.span(),
                format!("`severity`: no rule `{rule_word}`{}", rule_hint(rule_word)),
            ));
        };
        let case = match case_word {
            None => None,
            Some(c) => match rule.case(c) {
                Some(case) => Some(case.id),
                None if rule.cases.is_empty() => {
                    return Err((
                        key.span(),
                        format!("`severity`: {} declares no cases", rule.code),
                    ))
                }
                None => {
                    let hint = did_you_mean(c, rule.cases.iter().map(|c| c.id))
                        .map(|c| format!("did you mean `{c}`?"))
                        .unwrap_or_else(|| {
                            let ids: Vec<_> = rule.cases.iter().map(|c| c.id).collect();
                            format!("its cases are {}", ids.join(", "))
                        });
                    return Err((
                        key.span(),
                        format!("`severity`: {} has no case `{c}`; {hint}", rule.code),
                    ));
                }
            },
        };
        let word = match v.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => None,
        };
        let Some(severity) = word.and_then(Severity::parse) else {
            return Err((
                v.span(),
                format!("`severity.{k}` must be \"error\", \"warning\" or \"info\""),
            ));
        };
        if rule.stops_load && severity != Severity::Error {
            return Err((
                v.span(),
                format!(
                    "`severity.{k}`: {} ({}) is always an error: authentik cannot load a file with such a finding",
                    rule.code, rule.name
                ),
            ));
        }
        out.push((rule, case, severity));
    }
    Ok(out)
}

/// An absolute form of `path` without touching the file system beyond the current folder;
/// existing folders are canonicalised so `..` and symlinks walk up the real tree.
/// The nearest `akbp.toml` of `dir` (walking up; the folder need not exist yet, as for
/// `generate -o NEW/file.yaml`) and the `target` it sets, if any: `generate` and `show`
/// make a file for the release its folder is checked at.
pub fn nearest_target(dir: &Path) -> Result<Option<(Target, PathBuf)>, ConfigError> {
    let start = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    for d in start.ancestors() {
        let candidate = d.join(FILE_NAME);
        if std::fs::metadata(&candidate).is_ok_and(|m| !m.is_dir()) {
            let config = Config::load(&candidate)?;
            return Ok(config.target.map(|t| (t, candidate)));
        }
    }
    Ok(None)
}

fn absolute(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// What the command line says, applied on top of each configuration.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    /// `--target`: wins over the file's comment and the configuration.
    pub target: Option<Target>,
    pub rules: RuleSelection,
    /// `--placeholder`: added to the configuration's patterns.
    pub placeholders: Vec<String>,
    /// `--no-suppressions`.
    pub no_suppressions: bool,
}

/// Where configuration comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Walk up from each file (the default).
    Discover,
    /// `--config FILE`: this file for every input.
    File(PathBuf),
    /// `--isolated`: no configuration file.
    Isolated,
}

/// The options each input is checked with, from the nearest `akbp.toml` (read once per
/// folder) and the command line.
pub struct Settings {
    source: Source,
    command_line: CommandLine,
    /// Options shared by every input: schema, `--context`/`--env`.
    base: Options,
    /// Options per configuration file (`None`: no file applies).
    by_config: Mutex<HashMap<Option<PathBuf>, Arc<Resolved>>>,
    /// The nearest configuration file per folder (canonical), as found by the walk up.
    nearest: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
}

/// One configuration with the command line applied.
#[derive(Debug)]
pub struct Resolved {
    pub config: Option<Config>,
    pub options: Arc<Options>,
}

impl Settings {
    /// Read `--config FILE` now (an error is exit code 2 before anything is checked).
    pub fn new(
        source: Source,
        command_line: CommandLine,
        base: Options,
    ) -> Result<Settings, ConfigError> {
        let settings = Settings {
            source,
            command_line,
            base,
            by_config: Mutex::default(),
            nearest: Mutex::default(),
        };
        match &settings.source {
            Source::File(path) => {
                settings.resolved(Some(path.clone()))?;
            }
            Source::Isolated | Source::Discover => {
                settings.resolved(None)?;
            }
        }
        Ok(settings)
    }

    /// The configuration and options for `input`: standard input looks from the current
    /// folder, a file from its own.
    pub fn for_input(&self, input: &Input) -> Result<Arc<Resolved>, ConfigError> {
        let file = match &self.source {
            Source::Isolated => None,
            Source::File(path) => Some(path.clone()),
            Source::Discover => {
                let dir = match input {
                    Input::Stdin => {
                        crate::input::stdin_path().map_or_else(|| PathBuf::from("."), parent)
                    }
                    Input::File { path, .. } => parent(path),
                    Input::Unreadable { name, .. } => parent(Path::new(name)),
                };
                self.nearest_config(&dir)
            }
        };
        self.resolved(file)
    }

    /// `show-info` of the configuration the current folder uses.
    pub fn run_show_info(&self) -> bool {
        self.for_input(&Input::Stdin)
            .ok()
            .and_then(|r| r.config.as_ref().and_then(|c| c.show_info))
            .unwrap_or(false)
    }

    /// The target named for the whole run (the JSON report's top-level `target`): the
    /// command line's, else that of the configuration the current folder uses.
    pub fn run_target(&self) -> Target {
        self.for_input(&Input::Stdin)
            .map(|r| r.options.target)
            .unwrap_or(self.command_line.target.unwrap_or(Target::LATEST))
    }

    /// Pair each input with its options; files a configuration's `include`/`exclude`
    /// leaves out of a folder walk move to the skipped list (files named directly are
    /// kept). The options come back in the inputs' order.
    pub fn assign(&self, collected: &mut Collected) -> Result<Vec<Arc<Options>>, ConfigError> {
        let inputs = std::mem::take(&mut collected.inputs);
        let skipped = &mut collected.skipped;
        let mut kept = Vec::with_capacity(inputs.len());
        let mut options = Vec::with_capacity(inputs.len());
        for input in inputs {
            let resolved = self.for_input(&input)?;
            if let (
                Input::File {
                    path,
                    name,
                    explicit: false,
                },
                Some(config),
            ) = (&input, &resolved.config)
            {
                if config.skips(&absolute(path)) {
                    skipped.push(Skipped {
                        name: name.clone(),
                        reason: SkipReason::Excluded,
                    });
                    continue;
                }
            }
            let path = match &input {
                Input::File { path, .. } => Some(absolute(path)),
                Input::Stdin => crate::input::stdin_path().map(absolute),
                Input::Unreadable { .. } => None,
            };
            let ignored = match (&resolved.config, path) {
                (Some(config), Some(path)) => config.ignored_for(&path),
                _ => Vec::new(),
            };
            if ignored.is_empty() {
                options.push(resolved.options.clone());
            } else {
                // The same policy with these rules switched off: their findings count as
                // suppressed, and rules whose finding stops the load stay on (Policy).
                let mut policy = (*resolved.options.policy).clone();
                for r in ignored {
                    policy.set_enabled(r, false);
                }
                options.push(Arc::new(Options {
                    policy: Arc::new(policy),
                    ..(*resolved.options).clone()
                }));
            }
            kept.push(input);
        }
        collected.inputs = kept;
        Ok(options)
    }

    fn nearest_config(&self, dir: &Path) -> Option<PathBuf> {
        let mut nearest = self.nearest.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = nearest.get(dir) {
            return found.clone();
        }
        let start = absolute(dir);
        let mut visited = Vec::new();
        let mut found = None;
        for d in start.ancestors() {
            if let Some(known) = nearest.get(d) {
                found = known.clone();
                break;
            }
            visited.push(d.to_path_buf());
            let candidate = d.join(FILE_NAME);
            // Not only regular files: a FIFO or device named akbp.toml is an error when read,
            // never skipped silently (nor opened).
            if std::fs::metadata(&candidate).is_ok_and(|m| !m.is_dir()) {
                found = Some(candidate);
                break;
            }
        }
        for d in visited {
            nearest.insert(d, found.clone());
        }
        nearest.insert(dir.to_path_buf(), found.clone());
        found
    }

    fn resolved(&self, file: Option<PathBuf>) -> Result<Arc<Resolved>, ConfigError> {
        if let Some(r) = self
            .by_config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&file)
        {
            return Ok(r.clone());
        }
        let config = file.as_deref().map(Config::load).transpose()?;
        let options = self.options_for(config.as_ref())?;
        let resolved = Arc::new(Resolved {
            config,
            options: Arc::new(options),
        });
        self.by_config
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(file, resolved.clone());
        Ok(resolved)
    }

    /// Rule default, then the configuration, then the command line.
    fn options_for(&self, config: Option<&Config>) -> Result<Options, ConfigError> {
        let cl = &self.command_line;
        let mut policy = Policy::default();
        let mut patterns = Vec::new();
        if let Some(c) = config {
            for (rule, case, severity) in &c.severities {
                policy.set_severity(rule, *case, *severity);
            }
            c.rules.apply(&mut policy);
            patterns.extend(c.placeholders.iter().cloned());
        }
        cl.rules.apply(&mut policy);
        policy.set_suppressions(!cl.no_suppressions);
        patterns.extend(cl.placeholders.iter().cloned());
        let placeholders = Placeholders::new(&patterns).map_err(|e| ConfigError {
            file: "--placeholder".into(),
            line: None,
            column: None,
            message: format!("`{}` is not a valid regex: {}", e.pattern, e.reason),
        })?;
        Ok(Options {
            target: cl
                .target
                .or(config.and_then(|c| c.target))
                .unwrap_or(Target::LATEST),
            target_pinned: cl.target.is_some(),
            configured_target: config.and_then(|c| c.target),
            policy: Arc::new(policy),
            placeholders,
            ..self.base.clone()
        })
    }
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(&SourceFile::new("akbp.toml", text))
    }

    #[test]
    fn every_key() {
        let c = parse(
            "target = \"2024.10\"\nselect = [\"AKB2\", \"keyof-unresolved\"]\n\
             extend-select = [\"AKB001\"]\nignore = [\"akb205\"]\n\
             include = [\"blueprints/\"]\nexclude = [\"old/\"]\nplaceholders = ['@[A-Z]+@']\n\
             [severity]\nAKB404 = \"info\"\n\"AKB404/regex-plain-url\" = \"error\"\n",
        )
        .unwrap();
        assert_eq!(c.target, Some(Target::new(2024, 10)));
        let select = c.rules.select.unwrap();
        assert!(select.iter().any(|r| r.code == "AKB300"));
        assert!(select
            .iter()
            .all(|r| r.code.starts_with("AKB2") || r.code == "AKB300"));
        assert_eq!(c.rules.ignore[0].code, "AKB205");
        assert_eq!(c.severities.len(), 2);
        assert_eq!(c.severities[1].1, Some("regex-plain-url"));
    }

    #[test]
    fn unknown_key_and_rule_suggest() {
        let e = parse("targt = \"2024.10\"\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(1)));
        assert!(e.message.contains("did you mean `target`"), "{e}");
        let e = parse("ignore = [\"AKB205\", \"keyof-unresolvd\"]\n").unwrap_err();
        assert!(e.message.contains("did you mean `keyof-unresolved`"), "{e}");
        assert_eq!(e.column, Some(21));
        let e = parse("[severity]\nAKB404/regex-plain = \"info\"\n").unwrap_err();
        assert!(e.to_string().contains("not valid TOML"), "{e}");
        let e = parse("[severity]\n\"AKB404/regex-plain\" = \"info\"\n").unwrap_err();
        assert!(e.message.contains("did you mean `regex-plain-url`"), "{e}");
        let e = parse("[severity]\nAKB404 = \"fatal\"\n").unwrap_err();
        assert!(
            e.message.contains("\"error\", \"warning\" or \"info\""),
            "{e}"
        );
    }

    #[test]
    fn bad_toml_has_a_position() {
        let e = parse("target = \"2024.10\"\nselect = [\"AKB2\"\n").unwrap_err();
        assert!(e.message.starts_with("not valid TOML"), "{e}");
        assert!(e.line.is_some(), "{e}");
    }

    #[test]
    fn layers_replace_extend_and_remove() {
        let r = |c: &str| akbp_core::check::rule_by_code(c).unwrap();
        let mut p = Policy::default();
        RuleSelection {
            select: Some(rules_named("AKB2")),
            extend: vec![r("AKB300")],
            ignore: vec![r("AKB205")],
        }
        .apply(&mut p);
        assert!(p.enabled(r("AKB200")) && p.enabled(r("AKB300")));
        assert!(!p.enabled(r("AKB205")) && !p.enabled(r("AKB001")));
        // The command line's select replaces the file's set, so AKB205 runs again.
        RuleSelection {
            select: Some(vec![r("AKB205")]),
            ..Default::default()
        }
        .apply(&mut p);
        assert!(p.enabled(r("AKB205")) && !p.enabled(r("AKB200")));
    }
}
