//! The one place where a finding's final severity is decided, after every rule ran and
//! before any output: the registry's default (per rule or per declared case), then the
//! configuration, then the command line, then inline suppressions. Rules never set it.

use super::finding::{sort_findings, Case, Finding, Overflow, Policy, Rule, Severity, Suppressed};
use super::rules::suppressions::UNUSED_SUPPRESSION;
use super::suppress::Directives;
use crate::load::{SourceFile, Span};

impl Policy {
    /// Set the severity of a whole rule, or of one of its declared cases. A later call for
    /// the same key wins, so the command line is applied after the configuration.
    pub fn set_severity(&mut self, rule: &'static Rule, case: Option<&str>, severity: Severity) {
        let key = match case {
            Some(c) => format!("{}/{c}", rule.code),
            None => rule.code.to_string(),
        };
        self.severities.insert(key, severity);
    }

    /// Switch a rule off or on again.
    pub fn set_enabled(&mut self, rule: &'static Rule, enabled: bool) {
        if enabled {
            self.disabled.remove(rule.code);
        } else {
            self.disabled.insert(rule.code);
        }
    }

    /// Apply inline suppressions (the default) or show everything (`--no-suppressions`).
    pub fn set_suppressions(&mut self, on: bool) {
        self.no_suppressions = !on;
    }

    /// Note that `rule` was asked for by name or prefix, not only left on.
    pub fn set_asked(&mut self, rule: &'static Rule) {
        self.asked.insert(rule.code);
    }

    /// Whether `rule` was asked for by name or prefix ([`Policy::set_asked`]).
    pub fn asked(&self, rule: &Rule) -> bool {
        self.asked.contains(rule.code)
    }

    pub fn enabled(&self, rule: &Rule) -> bool {
        !self.disabled.contains(rule.code)
    }

    /// The severity a finding of `rule` with `case` gets: a case setting beats a rule
    /// setting, which beats the case's declared default, which beats the rule's.
    pub fn severity(&self, rule: &Rule, case: Option<&str>) -> Severity {
        case.and_then(|c| self.severities.get(&format!("{}/{c}", rule.code)))
            .or_else(|| self.severities.get(rule.code))
            .copied()
            .unwrap_or_else(|| rule.default_severity(case))
    }

    /// The final severity of a finding of `rule` with `case` at `span`, or `Err` with the
    /// severity it would have had when a switched-off rule drops it; never above the
    /// finding's `ceiling`. The one decision:
    /// [`Policy::resolve`] applies it to built findings and [`Policy::resolve_overflow`]
    /// to those a capped sink only counted, so both agree. A rule that [`Rule::stops_load`]
    /// is an error whatever the configuration says.
    pub fn decide(
        &self,
        rule: &Rule,
        case: Option<&Case>,
        ceiling: Option<Severity>,
    ) -> Result<Severity, Severity> {
        if rule.stops_load {
            return Ok(Severity::Error);
        }
        let severity = self.severity(rule, case.map(|c| c.id));
        let severity = ceiling.map_or(severity, |c| severity.min(c));
        if self.enabled(rule) {
            Ok(severity)
        } else {
            Err(severity)
        }
    }

    /// Decide every finding's final severity and drop those of disabled rules, counting
    /// them in `suppressed`.
    pub fn resolve(&self, findings: &mut Vec<Finding>, suppressed: &mut Suppressed) {
        findings.retain_mut(|f| match self.decide(f.rule, f.case, f.ceiling) {
            Ok(severity) => {
                f.severity = severity;
                true
            }
            Err(severity) => {
                suppressed.count(severity);
                false
            }
        });
    }

    /// The same decision for findings past a capped sink's limit.
    pub fn resolve_overflow(
        &self,
        overflow: &[Overflow],
        suppressed: &mut Suppressed,
    ) -> Vec<(Overflow, Severity)> {
        overflow
            .iter()
            .filter_map(|o| match self.decide(o.rule, o.case, o.ceiling) {
                Ok(severity) => Some((*o, severity)),
                Err(severity) => {
                    suppressed.count(severity);
                    None
                }
            })
            .collect()
    }

    /// [`Policy::resolve`] for a whole file, then its inline suppressions: covered findings
    /// go, and each named rule that suppressed nothing becomes a finding of its own.
    /// `overflow`: findings a capped sink only counted, already resolved; the same
    /// suppressions drop them (and count as used). Every finding dropped is counted in
    /// `suppressed`.
    /// `off`: findings of switched-off rules a capped sink only counted; with those
    /// among `findings` they still use a suppression that covers them (every rule runs),
    /// so `--select AKB020` reports exactly the suppressions that hide nothing.
    pub fn resolve_file(
        &self,
        findings: &mut Vec<Finding>,
        overflow: &mut Vec<(Overflow, Severity)>,
        mut off: Vec<(&'static Rule, Span)>,
        source: Option<&SourceFile>,
        directives: &mut Directives,
        suppressed: &mut Suppressed,
    ) {
        findings.extend(directives.problems().iter().cloned());
        off.extend(
            findings
                .iter()
                .filter(|f| self.decide(f.rule, f.case, f.ceiling).is_err())
                .map(|f| (f.rule, f.span)),
        );
        self.resolve(findings, suppressed);
        if let Some(source) = source.filter(|_| !self.no_suppressions) {
            // A comment naming a rule that is off is judged only when unused suppressions
            // are asked for (`--select AKB020`): every rule ran, so its use is known.
            let judged = |r: &Rule| self.enabled(r) || self.asked(&UNUSED_SUPPRESSION);
            let mut unused = directives.apply(source, findings, overflow, &off, suppressed, judged);
            self.resolve(&mut unused, suppressed);
            findings.extend(unused);
        }
        sort_findings(findings);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::redirect_uris::MODE_MISMATCH;

    #[test]
    fn case_setting_beats_rule_setting_beats_declared_default() {
        let mut p = Policy::default();
        assert_eq!(p.severity(&MODE_MISMATCH, None), Severity::Error);
        assert_eq!(
            p.severity(&MODE_MISMATCH, Some("regex-plain-url")),
            Severity::Warning
        );
        p.set_severity(&MODE_MISMATCH, None, Severity::Info);
        assert_eq!(
            p.severity(&MODE_MISMATCH, Some("regex-plain-url")),
            Severity::Info
        );
        p.set_severity(&MODE_MISMATCH, Some("regex-plain-url"), Severity::Error);
        assert_eq!(
            p.severity(&MODE_MISMATCH, Some("regex-plain-url")),
            Severity::Error
        );
        assert_eq!(p.severity(&MODE_MISMATCH, None), Severity::Info);
    }
}
