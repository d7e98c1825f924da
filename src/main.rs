use clap::Parser;

fn main() {
    let cli = akbp::cli::Cli::parse();
    std::process::exit(akbp::cli::run(cli));
}
