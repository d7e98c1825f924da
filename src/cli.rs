//! The command line: clap definitions and dispatch to the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::check::{self, Options};
use crate::report;
use crate::target::Target;

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
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check blueprint files and folders; exit 1 when a finding is at error level.
    Validate(ValidateArgs),
    /// List every rule: code, name, default severity, summary.
    Rules,
    /// Print a rule's documentation.
    Explain {
        /// A rule code (AKB300) or name (keyof-unresolved).
        code: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Files, folders (searched for .yaml/.yml) or `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The authentik release the blueprints are meant for (YYYY.M; that line's latest patch).
    #[arg(long, default_value_t = Target::LATEST, value_parser = parse_target)]
    pub target: Target,
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Exit 1 on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// An authentik blueprint JSON schema for models outside akbp's own knowledge.
    #[arg(long, value_name = "FILE")]
    pub schema: Option<PathBuf>,
    /// Do not honour .gitignore and .ignore files when searching folders.
    #[arg(long)]
    pub no_ignore: bool,
    /// Colour the human report: auto (when stdout is a terminal), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
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

/// Run a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Validate(args) => validate(args),
        Command::Rules => {
            print!("{}", rules_table());
            0
        }
        Command::Explain { code } => match check::rule_by_code(&code) {
            Some(rule) => {
                println!(
                    "{} {} ({})\n\n{}\n\n{}",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.summary,
                    rule.doc.trim_end()
                );
                0
            }
            None => {
                eprintln!("error: no rule `{code}`; `akbp rules` lists them");
                2
            }
        },
    }
}

/// `akbp rules` output.
pub fn rules_table() -> String {
    let mut s = String::new();
    for r in check::RULES {
        s.push_str(&format!(
            "{}  {:<28} {:<8} {}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary
        ));
    }
    s
}

fn validate(args: ValidateArgs) -> i32 {
    let schema = match &args.schema {
        None => None,
        Some(p) => match crate::schema::ExternalSchema::load(p) {
            Ok(s) => Some(std::sync::Arc::new(s)),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        },
    };
    let options = Options {
        target: args.target,
        schema,
    };
    let inputs = crate::input::collect(&args.paths, args.no_ignore);
    if inputs.is_empty() {
        eprintln!("error: no .yaml or .yml files found under the given paths");
        return 2;
    }
    let reports = crate::validate::run(&inputs, &options, &crate::load::RealFs);
    let summary = report::Summary::of(&reports);
    let mut out = std::io::stdout().lock();
    let text = match args.format {
        ReportFormat::Json => report::json::render(&reports, args.target),
        ReportFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let mut t = report::human::render(&reports, report::human::Style { color, width: 100 });
            t.push_str(&summary.line());
            t.push('\n');
            t
        }
    };
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    if !crate::validate::any_readable(&reports) {
        eprintln!("error: none of the inputs could be read");
        return 2;
    }
    crate::validate::exit_code(&reports, args.deny_warnings)
}
