//! The command line: clap definitions and dispatch to the library.

use std::io::{IsTerminal, Write};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::config;
use crate::generate::{
    self, show::ShowFormat, GenerateOptions, Naming, OutpostOptions, SecretMode,
};
use crate::report;
use akbp_core::catalog::list::ListFormat;
use akbp_core::catalog::ProviderType;
use akbp_core::check::{self, Options};
use akbp_core::target::Target;

#[derive(Debug, Parser)]
#[command(
    name = "akbp",
    version,
    about = "Validate and generate authentik blueprints",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Each finding with the offending lines underlined, then a summary line.
    Human,
    /// A stable JSON document (see docs/formats/json.md).
    Json,
    /// One line per finding: `path:line:col: severity[CODE] message`.
    Concise,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, IDEs).
    Sarif,
    /// GitHub Actions workflow commands: an annotation per finding.
    Github,
    /// GitLab Code Quality JSON.
    Gitlab,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check blueprint files and folders; exit 1 when a finding is at error level.
    Validate(ValidateArgs),
    /// List every rule: code, name, default severity, summary, declared cases.
    Rules {
        /// `json`: every rule with its documentation and cases, for tools (see docs/rules/index.md).
        #[arg(long, value_enum, default_value_t = RegistryFormat::Text)]
        format: RegistryFormat,
    },
    /// Print akbp's JSON Schema for editors (yaml-language-server) for one release.
    Schema {
        /// The authentik release line (YYYY.M).
        #[arg(long, default_value_t = Target::LATEST, value_parser = parse_target)]
        target: Target,
    },
    /// Print a rule's documentation.
    Explain {
        /// A rule code (AKB300) or name (keyof-unresolved).
        code: String,
        /// `json`: the same object as one entry of `akbp rules --format json`.
        #[arg(long, value_enum, default_value_t = RegistryFormat::Text)]
        format: RegistryFormat,
    },
    /// Print a shell completion script for bash, zsh, fish, powershell or elvish.
    Completions {
        #[arg(value_enum)]
        shell: crate::shell::Shell,
    },
    /// Print a man page as roff: akbp(1), or akbp-COMMAND(1) for a subcommand.
    Man {
        /// A subcommand (`validate`, `rules`, ...); without it, the page for akbp itself.
        command: Option<String>,
    },
    /// List the catalog: one row per integration with its methods and redirect URIs.
    List {
        /// Only entries whose slug, name or category contains this word (any case).
        word: Option<String>,
        /// Only entries offering a method with this provider type.
        #[arg(long, value_enum)]
        provider: Option<ProviderArg>,
        /// Only entries of this guide category (`akbp list` shows them).
        #[arg(long, value_name = "CATEGORY")]
        category: Option<String>,
        #[arg(long, value_enum, default_value_t = ListFormatArg::Table)]
        format: ListFormatArg,
    },
    /// Print what to enter on the application's side, real hosts, slug and client id filled in.
    Show(ShowArgs),
    /// Write a blueprint (application, provider and what they need) per catalog integration.
    Generate(GenerateArgs),
    /// Run the language server on standard input and output, for editors (docs/editors.md).
    Lsp,
    /// Apply the fixes findings carry (safe ones; unsafe ones with --unsafe-fixes), then
    /// report what remains as `validate` does.
    Fix(FixArgs),
    /// What stops working or changes meaning between two authentik releases, and which
    /// of it `akbp fix` can mend (`--fix` applies those fixes).
    Upgrade(UpgradeArgs),
    /// Draw the blueprints of folders: what each applies first, creates and looks up; cycles,
    /// races (order not guaranteed) and missing objects highlighted.
    Graph(GraphArgs),
}

#[derive(Debug, clap::Args)]
pub struct UpgradeArgs {
    /// Files or folders (searched for .yaml/.yml).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The release the blueprints were written for (YYYY.M).
    #[arg(long, value_parser = parse_target)]
    pub from: Target,
    /// The release to upgrade to (YYYY.M) [default: 2026.8].
    #[arg(long, default_value_t = Target::LATEST, value_parser = parse_target)]
    pub to: Target,
    /// Apply the fixes of what stops working (safe ones; unsafe ones with --unsafe-fixes).
    #[arg(long)]
    pub fix: bool,
    /// With --fix, apply unsafe fixes too.
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,
    /// `text`: one line per item; `json`: a document for tools.
    #[arg(long, value_enum, default_value_t = RegistryFormat::Text)]
    pub format: RegistryFormat,
    /// Use this configuration file for every input instead of the nearest akbp.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Read no akbp.toml at all.
    #[arg(long)]
    pub isolated: bool,
}

#[derive(Debug, clap::Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub check: ValidateArgs,
    /// Apply unsafe fixes too: they change a value authentik reads (each rule's page
    /// says which of its fixes are unsafe and why).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of the fixes and write nothing; exit 1 when there is one.
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Mermaid flowchart text, for Markdown and pull requests.
    Mermaid,
    /// Graphviz DOT text.
    Dot,
    /// SVG, rendered by Graphviz's `dot` (which must be installed).
    Svg,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    /// Files and folders (each folder is a blueprints root, as for `validate`).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
    /// The authentik release whose shipped blueprints and default objects count.
    #[arg(long, default_value_t = Target::LATEST, value_parser = parse_target)]
    pub target: Target,
    /// Also read files git ignores.
    #[arg(long)]
    pub no_ignore: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegistryFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderArg {
    Oauth2,
    Saml,
    Proxy,
    Ldap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormatArg {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormatArg {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SecretArg {
    /// `client_secret: !Env AKBP_<SLUG>_CLIENT_SECRET`: authentik reads it from its environment.
    Env,
    /// A random secret from the OS, written into the file.
    Random,
    /// Leave it to authentik, which generates one.
    Omit,
}

/// Naming options shared by `show` and `generate`.
#[derive(Debug, Clone, clap::Args)]
pub struct NamingArgs {
    /// The application's base URL, e.g. https://gravitee.example.com.
    #[arg(long, value_name = "URL")]
    pub app_url: Option<String>,
    /// authentik's base URL, e.g. https://authentik.example.com.
    #[arg(long, value_name = "URL")]
    pub authentik_url: Option<String>,
    /// The application slug (default: the catalog slug).
    #[arg(long, value_name = "SLUG")]
    pub slug: Option<String>,
    /// The OAuth2 client id (default: the application slug).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// One of the integration's methods (`akbp list` shows them; default: the guide's first).
    #[arg(long, value_name = "METHOD")]
    pub method: Option<String>,
    /// Proxy: where the outpost reaches the application (default: the guide's example).
    #[arg(long, value_name = "URL")]
    pub internal_url: Option<String>,
    /// LDAP: the provider's base DN (default: the guide's).
    #[arg(long, value_name = "DN")]
    pub base_dn: Option<String>,
    /// A value the application shows or names (an organisation, a realm, an ACS URL), for
    /// an integration that declares the parameter; repeat for several (`akbp show` lists them).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    pub params: Vec<(String, String)>,
    /// SAML: the service provider's metadata file (for guides that create the provider
    /// "from metadata"); fills the `entity_id`, `acs_url` and `sls_url` parameters.
    #[arg(long, value_name = "FILE")]
    pub sp_metadata: Option<std::path::PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// A catalog integration (`akbp list`).
    pub integration: String,
    #[command(flatten)]
    pub naming: NamingArgs,
    #[arg(long, value_enum, default_value_t = ShowFormatArg::Text)]
    pub format: ShowFormatArg,
    /// The authentik release the blueprint is for (YYYY.M), as for `generate`
    /// [default: the nearest akbp.toml's target, else 2026.8].
    #[arg(long, value_parser = parse_target)]
    pub target: Option<Target>,
    /// Where the client secret is, as for `generate`.
    #[arg(long, value_enum, default_value_t = SecretArg::Env)]
    pub secret: SecretArg,
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// Catalog integrations (`akbp list`).
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub integrations: Vec<String>,
    /// Every catalog integration (needs --domain and -o DIR).
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub naming: NamingArgs,
    /// The application's display name (default: the catalog name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// With several integrations, give each the host <slug>.<DOMAIN>.
    #[arg(long, value_name = "DOMAIN")]
    pub domain: Option<String>,
    /// Where the client secret comes from.
    #[arg(long, value_enum, default_value_t = SecretArg::Env)]
    pub secret: SecretArg,
    /// Only members of this group may use the application.
    #[arg(long, value_name = "GROUP")]
    pub allow_group: Option<String>,
    /// The authentik release the blueprint is for (YYYY.M) [default: the target of the
    /// nearest akbp.toml of the output's folder, else 2026.8].
    #[arg(long, value_parser = parse_target)]
    pub target: Option<Target>,
    /// Output file, or directory (one <slug>.yaml per integration); default: standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,
    /// Replace existing files.
    #[arg(long)]
    pub force: bool,
    /// Proxy and LDAP: add the provider to this existing outpost, keeping its others (read
    /// when the blueprint is applied; before authentik 2025.8 name them with --keep-providers).
    #[arg(long, value_name = "OUTPOST")]
    pub add_to_outpost: Option<String>,
    /// Providers the outpost must have besides this one, by name, comma-separated (`''`
    /// for none); needed before authentik 2025.8, where the list given replaces the outpost's.
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    pub keep_providers: Option<Vec<String>>,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files, folders (searched for .yaml/.yml) or `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The authentik release the blueprints are meant for (YYYY.M; that line's latest
    /// patch). Wins over a file's `# akbp: target` comment and akbp.toml [default: 2026.8].
    #[arg(long, value_parser = parse_target)]
    pub target: Option<Target>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Use this configuration file for every input instead of the nearest akbp.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Read no akbp.toml at all.
    #[arg(long)]
    pub isolated: bool,
    /// Run only these rules (codes, code prefixes like AKB2, names, or ALL), replacing
    /// akbp.toml's selection; comma-separated or repeated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Do not run these rules (codes, prefixes or names), after akbp.toml and --select.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Apply no `# akbp: ignore` comments: show every finding.
    #[arg(long)]
    pub no_suppressions: bool,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// An authentik blueprint JSON schema for models outside akbp's own knowledge.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Check files git ignores too. By default a folder search skips (and counts) what git
    /// ignores inside a git work tree; .ignore/.rgignore files are never honoured.
    #[arg(long)]
    pub no_ignore: bool,
    /// Skip files and folders matching this glob (.gitignore syntax, relative to each
    /// folder searched) when searching folders; repeatable. Files named directly are checked.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// List the files a folder search skipped, with the reason.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Exit 2 when no file is left to check (an empty folder, or everything excluded or
    /// ignored). Without it such a run writes an empty report, says so on standard error
    /// and exits 0.
    #[arg(long)]
    pub no_files_is_error: bool,
    /// Colour the human report: auto (on a terminal, unless NO_COLOR is set or
    /// CLICOLOR_FORCE forces it), always, never. An explicit choice wins over both.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// A regex for a deploy-time placeholder rules treat as opaque, like the built-in
    /// `${VAR}`, `${VAR:-default}`, `__VAR__` and `{{ ... }}` (repeatable).
    #[arg(long = "placeholder", value_name = "REGEX")]
    pub placeholders: Vec<String>,
    /// A YAML or JSON mapping used as the blueprint instance's context: it overrides the
    /// file's `context:` defaults, and `!Context` is evaluated where known.
    #[arg(long, value_name = "FILE")]
    pub context: Option<PathBuf>,
    /// A dotenv file: the only environment `!Env` is evaluated against (akbp's own is
    /// never read). Its values are secrets and never printed.
    #[arg(long, value_name = "FILE")]
    pub env: Option<PathBuf>,
    /// Record today's findings in FILE (JSON) and exit 0: a later `--baseline FILE` run
    /// reports only findings that are not in it.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Report only findings that FILE (written by --write-baseline) does not hold; the
    /// others count as suppressed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the report to FILE (atomically, at the end) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// With `-` as input: the path standard input stands for (its name in the report,
    /// where akbp.toml is looked up, what [per-file-ignores] globs match).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Show info findings in SARIF, GitHub and GitLab output too (akbp.toml: `show-info =
    /// true`); they are always counted in the summary.
    #[arg(long)]
    pub show_info: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// clap value parser for `--target`: an unknown release lists the known ones.
pub fn parse_target(s: &str) -> Result<Target, String> {
    s.parse::<Target>().map_err(|e| e.to_string())
}

/// `--param NAME=VALUE`: split at the first `=`; the value is checked against the
/// entry's declaration later, where the entry is known.
pub fn parse_param(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err("write NAME=VALUE, e.g. --param org=acme".into()),
    }
}

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Validate(args) => validate(args),
        Command::Rules { format } => emit(&match format {
            RegistryFormat::Text => report::registry::rules_text(),
            RegistryFormat::Json => report::registry::rules_json(),
        }),
        Command::Completions { shell } => emit(&crate::shell::completions(Cli::command(), shell)),
        Command::Man { command } => {
            match crate::shell::man_page(Cli::command(), command.as_deref()) {
                Some(page) => emit(&page),
                None => {
                    say(
                        "error: ",
                        format!(
                            "no subcommand `{}`; man pages exist for: {}",
                            command.unwrap_or_default(),
                            crate::shell::man_commands(Cli::command()).join(", ")
                        ),
                    );
                    2
                }
            }
        }
        Command::Schema { target } => emit(&akbp_core::model::editor_schema::render(target)),
        Command::List {
            word,
            provider,
            category,
            format,
        } => {
            let format = match format {
                ListFormatArg::Table => ListFormat::Table,
                ListFormatArg::Json => ListFormat::Json,
            };
            let filter = akbp_core::catalog::list::ListFilter {
                word,
                provider: provider.map(|p| match p {
                    ProviderArg::Oauth2 => ProviderType::Oauth2,
                    ProviderArg::Saml => ProviderType::Saml,
                    ProviderArg::Proxy => ProviderType::Proxy,
                    ProviderArg::Ldap => ProviderType::Ldap,
                }),
                category,
            };
            emit(&akbp_core::catalog::list::list(&filter, format))
        }
        Command::Show(args) => show(args),
        Command::Graph(args) => graph(args),
        Command::Generate(args) => generate(args),
        Command::Lsp => match crate::lsp::run() {
            Ok(()) => 0,
            Err(e) => {
                say("error: ", e);
                2
            }
        },
        Command::Fix(args) => fix(args),
        Command::Upgrade(args) => upgrade(args),
        Command::Explain { code, format } => match check::rule_by_code(&code) {
            Some(rule) => emit(&match format {
                RegistryFormat::Text => report::registry::explain_text(rule),
                RegistryFormat::Json => report::registry::explain_json(rule),
            }),
            None => {
                say(
                    "error: ",
                    format!("no rule `{code}`; `akbp rules` lists them"),
                );
                2
            }
        },
    }
}

/// Write one message to standard error through its one escaping step
/// ([`report::escape::stderr`]): `lead` is akbp's own words, `message` may quote a file, a
/// path or a configuration value.
fn say(lead: &str, message: impl std::fmt::Display) {
    eprint!("{}", report::escape::stderr(lead, &message.to_string()));
}

/// Exit status when standard output was closed early (`akbp schema | head -1`): what a
/// shell shows for a process ended by SIGPIPE (128 + 13). Nothing is printed.
pub const EXIT_BROKEN_PIPE: i32 = 141;

/// Write `text` to standard output. A closed pipe ends quietly with
/// [`EXIT_BROKEN_PIPE`]; any other failure (a full disk) is a run failure with a message,
/// never an exit 0 with the output lost.
/// `akbp graph`: read, draw, write; exit 2 when nothing could be drawn.
fn graph(args: GraphArgs) -> i32 {
    let selection = crate::input::Selection {
        no_ignore: args.no_ignore,
        exclude: Vec::new(),
    };
    let members = match crate::graph::read(&args.paths, &selection, &crate::read::RealFs) {
        Ok(m) if m.is_empty() => {
            say("error: ", "no blueprints found under the given paths");
            return 2;
        }
        Ok(m) => m,
        Err(e) => {
            say("error: ", e);
            return 2;
        }
    };
    let g = crate::graph::build(members, args.target);
    let text = match args.format {
        GraphFormat::Mermaid => crate::graph::mermaid(&g),
        GraphFormat::Dot => crate::graph::dot(&g),
        GraphFormat::Svg => match crate::graph::svg(&crate::graph::dot(&g)) {
            Ok(svg) => svg,
            Err(e) => {
                say("error: ", e);
                return 2;
            }
        },
    };
    let written = emit(&text);
    if written == 0 {
        say("note: ", crate::graph::summary(&g));
    }
    written
}

fn emit(text: &str) -> i32 {
    emit_with(|out| out.write_all(text.as_bytes()))
}

/// [`emit`] for output written piece by piece.
fn emit_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> i32 {
    let mut out = std::io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_BROKEN_PIPE,
        Err(e) => {
            say("error: cannot write to standard output: ", e);
            2
        }
    }
}

/// What `validate` and `fix` set up from the same flags before checking anything: the
/// settings per configuration, the folder walk and the run's cross-file view. A usage
/// error has been said on standard error; its exit code is the `Err`.
pub(crate) struct Prepared {
    pub settings: crate::config::Settings,
    pub selection: crate::input::Selection,
    pub found: crate::input::Inputs,
    pub crossfile: std::sync::Arc<akbp_core::check::crossfile::CrossFile>,
}

pub(crate) fn prepare(args: &ValidateArgs) -> Result<Prepared, i32> {
    if let Some(name) = &args.stdin_filename {
        if !args.paths.iter().any(|p| p.as_os_str() == "-") {
            say(
                "error: ",
                "--stdin-filename names what `-` (standard input) stands for; no `-` was given",
            );
            return Err(2);
        }
        crate::input::set_stdin_name(name);
    }
    let schema = match &args.schema {
        None => None,
        Some(p) => match crate::read::read_schema(p) {
            Ok(s) => {
                Some(std::sync::Arc::new(s) as std::sync::Arc<dyn akbp_core::schema::ExternalSchema>)
            }
            Err(e @ crate::schema::SchemaError::Read { .. }) => {
                say("error[AKB001 unreadable-file]: --schema: ", e);
                return Err(2);
            }
            Err(e) => {
                say("error: ", e);
                return Err(2);
            }
        },
    };
    let placeholders =
        match akbp_core::blueprint::placeholder::Placeholders::new(&args.placeholders) {
            Ok(p) => p,
            Err(e) => {
                say("error: ", e);
                return Err(2);
            }
        };
    let known = match known_values(args.context.as_deref(), args.env.as_deref()) {
        Ok(k) => k,
        Err(e) => {
            say("error: ", e);
            return Err(2);
        }
    };
    let options = Options {
        schema,
        placeholders,
        known,
        ..Options::default()
    };
    let selection = crate::input::Selection {
        no_ignore: args.no_ignore,
        exclude: args.exclude.clone(),
    };
    // Files stream from the folder walk chunk by chunk. The first chunk is taken before
    // anything is written, so "nothing to check" and a bad akbp.toml found there are still
    // clean usage errors; one found in a later chunk ends the run with status 2 after what
    // was already written.
    let found = match crate::input::inputs(&args.paths, &selection) {
        Ok(f) => f,
        Err(e) => {
            say("error: ", e);
            return Err(2);
        }
    };
    // Each input's options from its nearest akbp.toml; its include/exclude may skip some.
    // Every options shares the run's one cross-file view, whose scope needs the input count
    // only without folders, where the inputs are exactly the paths given.
    let crossfile = std::sync::Arc::new(crate::validate::cross_file(&args.paths, args.paths.len()));
    let options = Options {
        crossfile: crossfile.clone(),
        ..options
    };
    let settings = match crate::config::Settings::from_args(args, options) {
        Ok(s) => s,
        Err(e) => {
            say("error: ", e);
            return Err(2);
        }
    };
    Ok(Prepared {
        settings,
        selection,
        found,
        crossfile,
    })
}

fn validate(args: ValidateArgs) -> i32 {
    let Prepared {
        settings,
        selection,
        mut found,
        crossfile,
    } = match prepare(&args) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut baseline = match &args.baseline {
        Some(path) => match crate::baseline::Baseline::load(path) {
            Ok(b) => Some(b),
            Err(e) => {
                say("error: ", e);
                return 2;
            }
        },
        None => None,
    };
    let mut recording = args
        .write_baseline
        .as_deref()
        .map(crate::baseline::Baseline::new_for);
    // Info findings stay out of the formats CI annotates unless asked for.
    let hide_info = matches!(
        args.format,
        ReportFormat::Sarif | ReportFormat::Github | ReportFormat::Gitlab
    ) && !(args.show_info || settings.run_show_info());
    let mut out = Output::new(args.output_file.is_some());
    let mut skipped = crate::input::SkipTally::new(args.verbose);
    let (mut chunk, mut chunk_options) = match next_chunk(&mut found, &settings, &mut skipped) {
        Ok(c) => c,
        Err(e) => {
            say("error: ", e);
            return 2;
        }
    };
    let color = report::use_color(
        match args.color {
            ColorChoice::Always => Some(true),
            ColorChoice::Never => Some(false),
            ColorChoice::Auto => None,
        },
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("CLICOLOR_FORCE").as_deref(),
    );
    let mut format: Box<dyn report::Format> = match args.format {
        ReportFormat::Json => Box::<report::json::Json>::default(),
        ReportFormat::Concise => Box::new(report::concise::Concise),
        ReportFormat::Sarif => Box::<report::sarif::Sarif>::default(),
        ReportFormat::Github => Box::new(report::github::Github),
        ReportFormat::Gitlab => Box::<report::gitlab::Gitlab>::default(),
        ReportFormat::Human => Box::new(report::human::Human {
            style: report::human::Style { color, width: 100 },
            verbose: args.verbose,
        }),
    };
    // Nothing left to check (an empty folder, or every file excluded or ignored): the run
    // still writes a valid, empty report, so a CI step that uploads it (SARIF, GitLab Code
    // Quality) does not break, and passes with a note, unless --no-files-is-error.
    if chunk.is_empty() {
        let summary = report::Summary::default().skipping_tally(&skipped);
        let what = match summary.skipped_phrase() {
            None => "no .yaml or .yml files found under the given paths".to_string(),
            Some(phrase) if args.verbose => {
                format!("no .yaml or .yml files left to check under the given paths; {phrase}")
            }
            Some(phrase) => format!(
                "no .yaml or .yml files left to check under the given paths; {phrase} \
                 (--verbose lists them)"
            ),
        };
        let written = out.emit(&format.start(settings.run_target()));
        if written != 0 {
            return written;
        }
        let written = out.emit_with(|w| format.end_into(&summary, skipped.names(), w));
        if written != 0 {
            return written;
        }
        if args.verbose && args.format != ReportFormat::Human {
            eprint!("{}", report::human::skipped_list(skipped.names()));
        }
        let written = out.finish(args.output_file.as_deref());
        if written != 0 {
            return written;
        }
        if let (Some(rec), Some(path)) = (&recording, &args.write_baseline) {
            if let Err(code) = write_baseline(rec, path) {
                return code;
            }
        }
        if args.no_files_is_error {
            say("error: ", what);
            return 2;
        }
        say(
            "note: ",
            format!("{what}; the report is empty (--no-files-is-error makes this exit 2)"),
        );
        return 0;
    }
    // Reports stream in input order: each chunk is checked in parallel, written, and dropped
    // with its sources, so memory stays flat however many files there are. Only the counts
    // (and, for --verbose, the first skipped names) live across chunks.
    let written = out.emit(&format.start(settings.run_target()));
    if written != 0 {
        return written;
    }
    let mut totals = report::Summary::default();
    let mut readable = false;
    let mut worst = None;
    while !chunk.is_empty() {
        // The blueprint index, when a check asks for it, comes from a second walk of the
        // same paths: the first walk streams and keeps no list of inputs.
        let reports = crate::validate::run_chunk_each_with(
            &chunk,
            &chunk_options,
            &crossfile,
            || {
                crate::validate::blueprint_index_of(
                    crate::input::inputs(&args.paths, &selection),
                    &crossfile.roots,
                    &crate::read::RealFs,
                )
            },
            &crate::read::RealFs,
        );
        readable |= crate::validate::any_readable(&reports);
        let mut reports = crate::validate::split_skipped(reports, &mut skipped);
        if let Some(rec) = &mut recording {
            rec.record(&reports);
        }
        if let Some(b) = &mut baseline {
            b.filter(&mut reports);
        }
        totals.add(&report::Summary::of(&reports));
        worst = worst.max(crate::validate::worst_severity(&reports));
        if hide_info {
            // Counted in the summary, not annotated.
            for r in &mut reports {
                r.findings
                    .retain(|f| f.severity != akbp_core::check::Severity::Info);
            }
        }
        let written = out.emit(&format.reports(&reports));
        if written != 0 {
            return written;
        }
        drop(reports);
        (chunk, chunk_options) = match next_chunk(&mut found, &settings, &mut skipped) {
            Ok(c) => c,
            Err(e) => {
                say("error: ", e);
                return 2;
            }
        };
    }
    let summary = totals.skipping_tally(&skipped);
    let written = out.emit_with(|w| format.end_into(&summary, skipped.names(), w));
    if written != 0 {
        return written;
    }
    let written = out.finish(args.output_file.as_deref());
    if written != 0 {
        return written;
    }
    if !readable {
        say("error: ", "none of the inputs could be read");
        return 2;
    }
    if let (Some(rec), Some(path)) = (&recording, &args.write_baseline) {
        if let Err(code) = write_baseline(rec, path) {
            return code;
        }
        // The findings just recorded are the baseline: the run passes.
        return 0;
    }
    crate::validate::exit_code_for(worst, args.deny_warnings)
}

fn fix(args: FixArgs) -> i32 {
    let Prepared {
        settings,
        mut found,
        ..
    } = match prepare(&args.check) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let fix_settings = akbp_core::check::fix::FixSettings {
        unsafe_fixes: args.unsafe_fixes,
        only: None,
    };
    let mut files = Vec::new();
    let mut failed = false;
    let walked = for_each_input(&mut found, &settings, |input, options| {
        match input {
            crate::input::Input::File { path, name, .. } => {
                let read = match crate::fix::ReadFile::read(path, name) {
                    Ok(r) => r,
                    Err(why) => {
                        say("note: ", format!("{name} not fixed: {why}"));
                        return ControlFlow::Continue(());
                    }
                };
                let mut fixed = crate::fix::fix_text(&read, options, &fix_settings, args.diff);
                if fixed.outcome.changed() && !args.diff {
                    let new = read.with_text(&fixed.outcome.text);
                    if let Err(why) = crate::fix::write_if_unchanged(path, &read.bytes, &new) {
                        failed = true;
                        fixed.not_written = Some(why);
                    }
                }
                files.push(fixed);
            }
            crate::input::Input::Stdin => {
                let mut bytes = Vec::new();
                if let Err(e) = std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes) {
                    say("error: cannot read standard input: ", e);
                    return ControlFlow::Break(2);
                }
                let read = match crate::fix::ReadFile::from_bytes("<stdin>", bytes) {
                    Ok(r) => r,
                    Err(why) => {
                        say("error: standard input: ", why);
                        return ControlFlow::Break(2);
                    }
                };
                let fixed = crate::fix::fix_text(&read, options, &fix_settings, args.diff);
                // Standard input is fixed to standard output (the fixed text, or its diff).
                if !args.diff {
                    let written =
                        emit_with(|out| out.write_all(&read.with_text(&fixed.outcome.text)));
                    if written != 0 {
                        return ControlFlow::Break(written);
                    }
                }
                files.push(fixed);
            }
            crate::input::Input::Unreadable { name, reason } => {
                failed = true;
                say("error: ", format!("{name}: {reason}"));
            }
        }
        ControlFlow::Continue(())
    });
    if let Err(code) = walked {
        return code;
    }
    let verb = if args.diff { "would fix" } else { "fixed" };
    for f in &files {
        if let Some(d) = &f.diff {
            let written = emit(d);
            if written != 0 {
                return written;
            }
        }
        for (lead, line) in crate::fix::notes(f, verb) {
            say(lead, line);
        }
    }
    say("", crate::fix::summary(&files, args.diff));
    if failed {
        return 2;
    }
    if args.diff {
        return i32::from(files.iter().any(|f| f.outcome.changed()));
    }
    if files.iter().any(|f| f.name == "<stdin>") {
        return 0;
    }
    // What remains, reported as `validate` reports it.
    validate(args.check)
}

fn upgrade(args: UpgradeArgs) -> i32 {
    if args.to.at_least(args.from) && args.from == args.to {
        say(
            "note: ",
            "--from and --to name the same release: nothing changes",
        );
    }
    if !args.to.at_least(args.from) {
        say(
            "error: ",
            format!(
                "--to {} is older than --from {}; akbp upgrade goes forward",
                args.to, args.from
            ),
        );
        return 2;
    }
    let mut flags: Vec<std::ffi::OsString> = vec!["validate".into()];
    if let Some(c) = &args.config {
        flags.push("--config".into());
        flags.push(c.into());
    }
    if args.isolated {
        flags.push("--isolated".into());
    }
    flags.push("--".into());
    flags.extend(args.paths.iter().map(|p| p.clone().into_os_string()));
    let check = match Cli::try_parse_from(std::iter::once("akbp".into()).chain(flags)) {
        Ok(Cli {
            command: Command::Validate(v),
        }) => v,
        _ => return 2,
    };
    let Prepared {
        settings,
        mut found,
        ..
    } = match prepare(&check) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut reports = Vec::new();
    let mut fixed = 0usize;
    let mut failed = false;
    let walked = for_each_input(&mut found, &settings, |input, options| {
        let crate::input::Input::File { path, name, .. } = input else {
            if let crate::input::Input::Unreadable { name, reason } = input {
                say("error: ", format!("{name}: {reason}"));
                failed = true;
            }
            return ControlFlow::Continue(());
        };
        let read = match crate::fix::ReadFile::read(path, name) {
            Ok(r) => r,
            Err(why) => {
                say("note: ", format!("{name} not checked: {why}"));
                return ControlFlow::Continue(());
            }
        };
        let mut report =
            akbp_core::upgrade::upgrade_source(&read.source, options, args.from, args.to);
        if args.fix && !report.codes().is_empty() {
            let at_to = Options {
                target: args.to,
                target_pinned: true,
                ..options.clone()
            };
            let fix_settings = akbp_core::check::fix::FixSettings {
                unsafe_fixes: args.unsafe_fixes,
                only: Some(report.codes()),
            };
            let outcome = akbp_core::check::fix::fix_source(&read.source, &at_to, &fix_settings);
            if outcome.changed() {
                let new = read.with_text(&outcome.text);
                match crate::fix::write_if_unchanged(path, &read.bytes, &new) {
                    Ok(()) => {
                        fixed += outcome.applied.len();
                        say(
                            "",
                            format!("fixed {name}: {} fix(es)", outcome.applied.len()),
                        );
                        let now = akbp_core::load::SourceFile::new(name.as_str(), outcome.text);
                        report =
                            akbp_core::upgrade::upgrade_source(&now, options, args.from, args.to);
                    }
                    Err(why) => {
                        failed = true;
                        say("error: ", format!("{name} not written: {why}"));
                    }
                }
            }
        }
        reports.push(report);
        ControlFlow::Continue(())
    });
    if let Err(code) = walked {
        return code;
    }
    let text = match args.format {
        RegistryFormat::Text => report::upgrade::text(&reports, args.from, args.to, fixed),
        RegistryFormat::Json => report::upgrade::json(&reports, args.from, args.to, fixed),
    };
    let written = emit(&text);
    if written != 0 {
        return written;
    }
    if failed {
        return 2;
    }
    let stops = reports
        .iter()
        .flat_map(|r| &r.items)
        .any(|i| i.change == akbp_core::upgrade::Change::Stops);
    i32::from(stops)
}

/// Write `--write-baseline FILE` (atomically, replacing an older baseline).
fn write_baseline(rec: &crate::baseline::Baseline, path: &std::path::Path) -> Result<(), i32> {
    match crate::generate::write::write_atomic(path, rec.render().as_bytes(), true, false) {
        Ok(()) => {
            say(
                "note: ",
                format!(
                    "wrote {} with {} finding(s); `akbp validate --baseline {}` reports only new ones",
                    path.display(),
                    rec.recorded(),
                    path.display()
                ),
            );
            Ok(())
        }
        Err(e) => {
            say(
                "error: ",
                format!(
                    "--write-baseline {}: {}",
                    path.display(),
                    crate::read::io_reason(&e)
                ),
            );
            Err(2)
        }
    }
}

/// Where `validate` writes its report: standard output as it goes, or (`--output-file`)
/// a buffer written atomically at the end.
struct Output {
    buf: Option<Vec<u8>>,
}

impl Output {
    fn new(to_file: bool) -> Self {
        Output {
            buf: to_file.then(Vec::new),
        }
    }

    fn emit(&mut self, text: &str) -> i32 {
        match &mut self.buf {
            Some(b) => {
                b.extend_from_slice(text.as_bytes());
                0
            }
            None => emit(text),
        }
    }

    fn emit_with(&mut self, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> i32 {
        match &mut self.buf {
            Some(b) => match write(b) {
                Ok(()) => 0,
                Err(e) => {
                    say("error: ", e);
                    2
                }
            },
            None => emit_with(write),
        }
    }

    fn finish(&mut self, path: Option<&std::path::Path>) -> i32 {
        let (Some(buf), Some(path)) = (self.buf.take(), path) else {
            return 0;
        };
        match crate::generate::write::write_atomic(path, &buf, true, false) {
            Ok(()) => 0,
            Err(e) => {
                say(
                    "error: ",
                    format!(
                        "--output-file {}: {}",
                        path.display(),
                        crate::read::io_reason(&e)
                    ),
                );
                2
            }
        }
    }
}

/// Run `each` on every input `found` yields, with the options its configuration gives it,
/// a chunk at a time (`fix`, `upgrade`). `Err` is the exit code: 2 when the configuration
/// cannot be applied, or the code `each` stopped the run with.
fn for_each_input(
    found: &mut crate::input::Inputs,
    settings: &crate::config::Settings,
    mut each: impl FnMut(&crate::input::Input, &Options) -> ControlFlow<i32>,
) -> Result<(), i32> {
    let mut skipped = crate::input::SkipTally::new(false);
    loop {
        let (chunk, options) = match next_chunk(found, settings, &mut skipped) {
            Ok(c) => c,
            Err(e) => {
                say("error: ", e);
                return Err(2);
            }
        };
        if chunk.is_empty() {
            return Ok(());
        }
        for (input, options) in chunk.iter().zip(&options) {
            if let ControlFlow::Break(code) = each(input, options) {
                return Err(code);
            }
        }
    }
}

/// The next chunk of inputs from the walk with each one's options; files an akbp.toml's
/// include/exclude leaves out are tallied as skipped. Empty at the end of the walk.
fn next_chunk(
    found: &mut crate::input::Inputs,
    settings: &crate::config::Settings,
    skipped: &mut crate::input::SkipTally,
) -> Result<(Vec<crate::input::Input>, Vec<std::sync::Arc<Options>>), crate::config::ConfigError> {
    loop {
        let inputs = found.next_chunk(VALIDATE_CHUNK, skipped);
        if inputs.is_empty() {
            return Ok((inputs, Vec::new()));
        }
        let mut collected = crate::input::Collected {
            inputs,
            skipped: Vec::new(),
        };
        let options = settings.assign(&mut collected)?;
        for s in collected.skipped {
            skipped.add(s);
        }
        if !collected.inputs.is_empty() {
            return Ok((collected.inputs, options));
        }
    }
}

/// Files checked (in parallel) and written per step of `validate`: enough to keep both cores
/// busy, few enough that the sources held at once stay small.
const VALIDATE_CHUNK: usize = 256;

/// Read `--context` and `--env` through the same bounded reader as blueprints.
fn known_values(
    context: Option<&std::path::Path>,
    env: Option<&std::path::Path>,
) -> Result<akbp_core::blueprint::known::Known, akbp_core::blueprint::known::KnownError> {
    use akbp_core::blueprint::known::{Known, KnownError};
    let read = |flag: &'static str, path: &std::path::Path| {
        let name = path.display().to_string();
        crate::read::read_source(&crate::read::RealFs, path, &name).map_err(|e| KnownError {
            flag,
            path: name.clone(),
            reason: e.message,
        })
    };
    let mut known = Known::default();
    if let Some(path) = context {
        let source = read("--context", path)?;
        let fail = |reason: String| KnownError {
            flag: "--context",
            path: path.display().to_string(),
            reason,
        };
        let doc = akbp_core::load::parse(source).map_err(|e| fail(e.message))?;
        known.context = Some(Known::context_from(&doc).map_err(fail)?);
    }
    if let Some(path) = env {
        let source = read("--env", path)?;
        known.env = Some(Known::env_from(&source.text).map_err(|reason| KnownError {
            flag: "--env",
            path: path.display().to_string(),
            reason,
        })?);
    }
    Ok(known)
}

impl NamingArgs {
    fn naming(&self, name: Option<String>) -> Naming {
        Naming {
            app_url: self.app_url.clone(),
            authentik_url: self.authentik_url.clone(),
            slug: self.slug.clone(),
            name,
            client_id: self.client_id.clone(),
            internal_url: self.internal_url.clone(),
            base_dn: self.base_dn.clone(),
            params: self.params.clone(),
        }
    }

    /// `--sp-metadata FILE` read into `--param` values for `integrations` (one only); the
    /// values join those given with `--param`, whose checks (declared, given once, pattern,
    /// URL validator) they then pass like any other. Errors are for stderr, exit 2.
    fn add_sp_metadata(&self, naming: &mut Naming, integrations: &[String]) -> Result<(), String> {
        let Some(path) = &self.sp_metadata else {
            return Ok(());
        };
        let [slug] = integrations else {
            return Err("--sp-metadata goes with one integration".into());
        };
        let entry = akbp_core::catalog::find(slug)
            .ok_or_else(|| format!("no catalog integration `{slug}` (`akbp list`)"))?;
        let file = path.display().to_string();
        let text = crate::read::read_text_bounded(path)
            .map_err(|e| format!("--sp-metadata {file}: {e}"))?;
        let md = akbp_core::catalog::sp_metadata::parse(&text)
            .map_err(|e| format!("--sp-metadata {file}: {e}"))?;
        let values =
            akbp_core::catalog::sp_metadata::params_for(entry, self.method.as_deref(), &md)
                .map_err(|e| format!("--sp-metadata {file}: {e}"))?;
        naming.params.extend(values);
        Ok(())
    }
}

/// `--target`, else the target of the nearest akbp.toml of `dir`, else the latest release.
fn generation_target(given: Option<Target>, dir: &Path) -> Result<Target, config::ConfigError> {
    Ok(match given {
        Some(t) => t,
        None => config::nearest_target(dir)?.map_or(Target::LATEST, |(t, _)| t),
    })
}

fn secret_mode(arg: SecretArg) -> SecretMode {
    match arg {
        SecretArg::Env => SecretMode::Env,
        SecretArg::Random => SecretMode::Random,
        SecretArg::Omit => SecretMode::Omit,
    }
}

fn show(args: ShowArgs) -> i32 {
    let mut naming = args.naming.naming(None);
    if let Err(e) = args
        .naming
        .add_sp_metadata(&mut naming, std::slice::from_ref(&args.integration))
    {
        say("error: ", e);
        return 2;
    }
    let target = match generation_target(args.target, Path::new(".")) {
        Ok(t) => t,
        Err(e) => {
            say("error: ", e);
            return 2;
        }
    };
    let opts = generate::show::ShowOptions {
        naming,
        method: args.naming.method.clone(),
        format: match args.format {
            ShowFormatArg::Text => ShowFormat::Text,
            ShowFormatArg::Markdown => ShowFormat::Markdown,
            ShowFormatArg::Json => ShowFormat::Json,
        },
        target,
        secret: secret_mode(args.secret),
    };
    match generate::show::render(&args.integration, &opts) {
        Ok(text) => emit(&text),
        Err(e) => {
            say("error: ", e);
            2
        }
    }
}

fn generate(args: GenerateArgs) -> i32 {
    let mut naming = args.naming.naming(args.name);
    let chosen: &[String] = if args.all { &[] } else { &args.integrations };
    if let Err(e) = args.naming.add_sp_metadata(&mut naming, chosen) {
        say("error: ", e);
        return 2;
    }
    // The output's folder: the file's parent, or the directory itself (`-o DIR`, `-o DIR/`,
    // several blueprints); standard output is written from the current folder.
    let folder = match &args.output {
        None => PathBuf::from("."),
        Some(o) if o.is_dir() || o.as_os_str().to_string_lossy().ends_with('/') => o.clone(),
        Some(o) if args.all || args.integrations.len() > 1 => o.clone(),
        Some(o) => match o.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        },
    };
    let target = match generation_target(args.target, &folder) {
        Ok(t) => t,
        Err(e) => {
            say("error: ", e);
            return 2;
        }
    };
    let opts = GenerateOptions {
        integrations: args.integrations,
        all: args.all,
        naming,
        domain: args.domain,
        secret: secret_mode(args.secret),
        allow_group: args.allow_group,
        target,
        method: args.naming.method.clone(),
        outpost: None,
    };
    let opts = match (args.add_to_outpost, args.keep_providers) {
        (Some(name), keep) => GenerateOptions {
            outpost: Some(OutpostOptions {
                name,
                keep_providers: keep
                    .map(|k| k.into_iter().filter(|p| !p.trim().is_empty()).collect()),
            }),
            ..opts
        },
        (None, Some(_)) => {
            say(
                "error: ",
                generate::GenerateError::KeepWithoutOutpost("name the outpost"),
            );
            return 2;
        }
        (None, None) => opts,
    };
    let blueprints = match generate::generate(&opts) {
        Ok(b) => b,
        Err(e) => {
            say("error: ", e);
            return 2;
        }
    };
    for (slug, names) in generate::skipped_for_params(&opts) {
        say(
            "note: ",
            format!(
                "`{slug}` left out: it needs values from the application ({}); generate it alone with --param",
                names.join(", ")
            ),
        );
    }
    let destinations: Vec<String> = match &args.output {
        None if blueprints.len() > 1 => {
            say("error: ", generate::GenerateError::NeedOutputDir);
            return 2;
        }
        None => {
            let text: String = blueprints.iter().map(|b| b.text.as_str()).collect();
            let written = emit(&text);
            if written != 0 {
                return written;
            }
            vec!["the blueprint on standard output".to_string(); blueprints.len()]
        }
        Some(path) => match generate::write::write_all(&blueprints, path, args.force) {
            Ok(paths) => {
                for note in paths
                    .iter()
                    .filter_map(|p| generate::write::discovery_note(p))
                {
                    say("note: ", note);
                }
                paths.iter().map(|p| p.display().to_string()).collect()
            }
            Err(e) => {
                say("error: ", e);
                return 2;
            }
        },
    };
    for (b, dest) in blueprints.iter().zip(&destinations) {
        for note in &b.notes {
            say("note: ", note);
        }
        if let Some(m) = b.secret_message(dest) {
            say("note: ", m);
        }
        if args.output.is_some() {
            say("wrote ", dest);
        }
    }
    0
}

/// `akbp validate`'s flags as the settings configuration files are layered under.
impl config::Settings {
    /// The command line's settings: `--config`/`--isolated`, `--target`, `--select`,
    /// `--ignore`, `--placeholder`, `--no-suppressions`; `base` holds the rest.
    pub fn from_args(args: &ValidateArgs, base: Options) -> Result<Self, String> {
        let source = match (&args.config, args.isolated) {
            (Some(file), _) => config::Source::File(file.clone()),
            (None, true) => config::Source::Isolated,
            (None, false) => config::Source::Discover,
        };
        let rules = config::RuleSelection {
            select: args
                .select
                .as_deref()
                .map(|words| config::selectors_from_flag("--select", words))
                .transpose()?,
            extend: Vec::new(),
            ignore: config::selectors_from_flag("--ignore", &args.ignore)?,
        };
        let command_line = config::CommandLine {
            target: args.target,
            rules,
            placeholders: args.placeholders.clone(),
            no_suppressions: args.no_suppressions,
        };
        config::Settings::new(source, command_line, base).map_err(|e| e.to_string())
    }
}
