//! Shell completions (clap_complete) and man pages (clap_mangen), both generated at run time
//! from the clap definition the caller passes (`crate::cli`'s), so they list exactly the
//! subcommands and options the binary accepts. `akbp completions SHELL` and `akbp man [COMMAND]` print them.

use clap::Command;

pub use clap_complete::Shell;

/// The completion script for `shell`, for a binary called `akbp`.
pub fn completions(mut cmd: Command, shell: Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "akbp", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Names of the subcommands that have their own man page (`akbp-NAME(1)`).
pub fn man_commands(cmd: Command) -> Vec<String> {
    built(cmd)
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect()
}

/// The roff source of `akbp(1)`, or of `akbp-COMMAND(1)` for a subcommand; `None` for an
/// unknown subcommand.
pub fn man_page(cmd: Command, command: Option<&str>) -> Option<String> {
    let root = built(cmd);
    let cmd = match command {
        None => root,
        Some(name) => root.find_subcommand(name)?.clone(),
    };
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    clap_mangen::Man::new(cmd)
        .source(format!("akbp {}", env!("CARGO_PKG_VERSION")))
        .manual("User Commands")
        .render(&mut out)
        .ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The definition after clap's build step, which gives subcommands their display name
/// (`akbp-validate`, the man page title) and usage name (`akbp validate`). The `help`
/// subcommand has no page of its own.
fn built(cmd: Command) -> Command {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    cmd
}
