//! Which spec `pattern`s the generated client checks.
//!
//! The client checks a value with the runtime's `runtime::Pattern`, that is with the `regex` crate
//! (or a matcher with its answers). A pattern the client cannot check the way the spec means it is
//! not emitted: the member's doc says so and why, and FALLBACKS.md lists it by pointer, so a
//! request never fails, and nothing panics, because of a spec's pattern. Such a pattern:
//!
//! - does not parse for the `regex` crate: look-around, backreferences, ECMAScript-only escapes
//!   (`\cX`), an unclosed group, nesting deeper than its limit...;
//! - parses but means something else in ECMAScript, the dialect OpenAPI names: a quantifier on a
//!   quantifier (`a++`, possessive in Java and PCRE, an error in ECMAScript, a plain repetition
//!   here) and class set syntax (`[a&&b]`, `[[a]]`, `[[:alpha:]]`: literal characters there);
//! - compiles to more than the `regex` crate's size limit (`CompiledTooBig` at the first check):
//!   the generator compiles each distinct pattern once with the same crate and default settings,
//!   so what it emits compiles in the client.
//!
//! Cost: a pattern is parsed once (linear in its length). A short pattern can ask for a large
//! program (`\w{1000}`: tens of milliseconds to find out it is too big), so its compiled size is
//! first estimated from its parsed form, counted repetitions multiplied out: a small one (every id
//! pattern) certainly compiles and is not compiled here, one far beyond the size limit is not
//! compiled either, and the estimates of those compiled share a budget. Generation time stays
//! linear in the spec whatever its patterns.

use std::collections::HashMap;

use regex_syntax::ast::{self, Ast, ClassSetBinaryOp, ClassSetItem};
use regex_syntax::hir::{self, Class, Hir, HirKind};

use super::model::StringRules;
use super::schemas::TypeBuilder;
use super::view::View;
use crate::error::Ptr;

/// Longest pattern looked at; a longer one is documented, not checked.
const MAX_PATTERN_LEN: usize = 8 * 1024;
/// Estimated size up to which a parsed pattern certainly compiles, so is not compiled here (a
/// compile costs about a millisecond in a debug build, the rest of a parameter a fraction of
/// that): it stays under a tenth of the size limit (tested on the largest classes).
const SURE_ESTIMATE: u64 = 2_000;
/// Estimated size (roughly NFA states) above which a pattern is not compiled: `\w{100}` (about
/// 300,000) compiles under the `regex` crate's default 10 MiB limit, `\w{200}` (600,000) does not.
const MAX_ESTIMATE: u64 = 500_000;
/// Total estimated size compiled for one spec: 8 patterns near the limit (each a fraction of a
/// second to compile in a debug build); ordinary id patterns estimate to a few hundred.
const BUDGET: u64 = 8 * MAX_ESTIMATE;

/// The generator's verdicts on the patterns of one spec, each distinct pattern decided once.
#[derive(Debug)]
pub struct Patterns {
    verdicts: HashMap<String, Option<String>>,
    spent: u64,
    budget: u64,
}

impl Default for Patterns {
    fn default() -> Self {
        Patterns {
            verdicts: HashMap::new(),
            spent: 0,
            budget: BUDGET,
        }
    }
}

impl Patterns {
    /// `view`'s length and pattern rules, the pattern only when the client can check it. When it
    /// cannot, a fallback names `at` (the schema holding the pattern) and the returned note, to add
    /// to the member's doc, says why.
    pub fn rules(
        &mut self,
        view: &View,
        at: &Ptr,
        types: &mut TypeBuilder,
    ) -> (StringRules, Option<String>) {
        let mut rules = StringRules {
            min_length: view.min_length.map(|v| v as u64),
            max_length: view.max_length.map(|v| v as u64),
            pattern: view.pattern.map(str::to_string),
        };
        let Some(pattern) = view.pattern else {
            return (rules, None);
        };
        let Some(reason) = self.why_unchecked(pattern) else {
            return (rules, None);
        };
        rules.pattern = None;
        types.fallback(
            &at.push("pattern"),
            format!("`pattern` the client cannot check ({reason}): documented, not enforced"),
            "String",
        );
        // In a code span only when it stays one line and one span, and is not huge.
        let shown = if pattern.contains(['`', '\n', '\r']) || pattern.len() > MAX_PATTERN_LEN {
            String::new()
        } else {
            format!(" `{pattern}`")
        };
        let note = format!(
            "The spec's pattern{shown} is not checked by this client ({reason}); \
             see FALLBACKS.md."
        );
        (rules, Some(note))
    }

    /// None when the client can check `pattern`, else why not.
    pub fn why_unchecked(&mut self, pattern: &str) -> Option<String> {
        if let Some(verdict) = self.verdicts.get(pattern) {
            return verdict.clone();
        }
        let verdict = self.decide(pattern);
        self.verdicts.insert(pattern.to_string(), verdict.clone());
        verdict
    }

    fn decide(&mut self, pattern: &str) -> Option<String> {
        if pattern.len() > MAX_PATTERN_LEN {
            return Some(format!("longer than {MAX_PATTERN_LEN} bytes"));
        }
        let ast = match ast::parse::Parser::new().parse(pattern) {
            Ok(ast) => ast,
            Err(e) => return Some(format!("the `regex` crate cannot parse it: {}", e.kind())),
        };
        if let Err(construct) = ast::visit(&ast, EcmaMeaning) {
            return Some(format!("{construct}; OpenAPI patterns are ECMAScript"));
        }
        let hir = match hir::translate::Translator::new().translate(pattern, &ast) {
            Ok(hir) => hir,
            Err(e) => return Some(format!("the `regex` crate cannot parse it: {}", e.kind())),
        };
        let estimate = estimated_size(&hir);
        if estimate <= SURE_ESTIMATE {
            return None;
        }
        if estimate > MAX_ESTIMATE {
            return Some("compiled, it would be larger than the `regex` crate's size limit".into());
        }
        if self.spent + estimate > self.budget {
            return Some("the spec's patterns together are too large to compile".into());
        }
        self.spent += estimate;
        match regex::Regex::new(pattern) {
            Ok(_) => None,
            Err(regex::Error::CompiledTooBig(_)) => {
                Some("compiled, it is larger than the `regex` crate's size limit".into())
            }
            Err(e) => Some(format!("the `regex` crate cannot compile it: {e}")),
        }
    }
}

/// Finds syntax the `regex` crate accepts but ECMAScript reads differently.
struct EcmaMeaning;

impl ast::Visitor for EcmaMeaning {
    type Output = ();
    type Err = &'static str;

    fn finish(self) -> Result<(), &'static str> {
        Ok(())
    }

    fn visit_pre(&mut self, ast: &Ast) -> Result<(), &'static str> {
        match ast {
            Ast::Repetition(r) if matches!(*r.ast, Ast::Repetition(_)) => Err(
                "a quantifier on a quantifier, like `a++`: possessive in Java and PCRE, \
                     an error in ECMAScript",
            ),
            _ => Ok(()),
        }
    }

    fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), &'static str> {
        match item {
            ClassSetItem::Bracketed(_) | ClassSetItem::Ascii(_) => Err(
                "a class inside a class, like `[[a]]` or `[[:alpha:]]`: literal brackets \
                     in ECMAScript",
            ),
            _ => Ok(()),
        }
    }

    fn visit_class_set_binary_op_pre(&mut self, _: &ClassSetBinaryOp) -> Result<(), &'static str> {
        Err("a class set operation, `&&`, `--` or `~~`: literal characters in ECMAScript")
    }
}

/// A rough size of the program the `regex` crate compiles for `hir` (counted repetitions copied,
/// a Unicode class a few states per range), saturating.
pub(crate) fn estimated_size(hir: &Hir) -> u64 {
    hir::visit(hir, SizeEstimate { sums: vec![0] }).unwrap_or(u64::MAX)
}

/// Post-order sums: `sums` has one running total per node being visited.
struct SizeEstimate {
    sums: Vec<u64>,
}

impl hir::Visitor for SizeEstimate {
    type Output = u64;
    type Err = ();

    fn finish(self) -> Result<u64, ()> {
        self.sums.first().copied().ok_or(())
    }

    fn visit_pre(&mut self, _: &Hir) -> Result<(), ()> {
        self.sums.push(0);
        Ok(())
    }

    fn visit_post(&mut self, hir: &Hir) -> Result<(), ()> {
        let inner = self.sums.pop().ok_or(())?;
        let own = match hir.kind() {
            HirKind::Literal(literal) => literal.0.len() as u64,
            HirKind::Class(Class::Unicode(class)) => 4 * class.ranges().len() as u64,
            HirKind::Class(Class::Bytes(class)) => class.ranges().len() as u64,
            HirKind::Repetition(r) => {
                let copies = r.max.unwrap_or(r.min.saturating_add(1)).max(1);
                inner.saturating_mul(u64::from(copies))
            }
            _ => inner,
        };
        let total = self.sums.last_mut().ok_or(())?;
        *total = total.saturating_add(own).saturating_add(1);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(pattern: &str) -> Option<String> {
        Patterns::default().why_unchecked(pattern)
    }

    #[test]
    fn checked_patterns() {
        for p in [
            "^([a-f0-9]{24})$",
            "^[a-zA-Z0-9][a-zA-Z0-9-]*$",
            "^\\w{1,32}$",
            "^[\\p{L}\\p{N} ._-]{1,64}$",
            "^.{0,255}$",
            "^a+?b*?$",
            "^(?:a+)+$",
            "^[a-c\\-]$",
        ] {
            assert_eq!(verdict(p), None, "{p}");
        }
    }

    #[test]
    fn unchecked_patterns_say_why() {
        for (p, why) in [
            ("^(?=a)a$", "look-around"),
            ("^(?<!a)b$", "look-around"),
            ("^(a)\\1$", "backreferences"),
            ("^\\cA$", "the `regex` crate cannot parse it"),
            ("^(a$", "the `regex` crate cannot parse it"),
            ("^a++$", "a quantifier on a quantifier"),
            ("^a{2}*$", "a quantifier on a quantifier"),
            ("^[[a]]$", "a class inside a class"),
            ("^[[:alpha:]]$", "a class inside a class"),
            ("^[a-z&&[^aeiou]]$", "a class set operation"),
            ("\\w{1000}", "larger than the `regex` crate's size limit"),
            (
                "(a{1000}){1000}",
                "larger than the `regex` crate's size limit",
            ),
        ] {
            let reason = verdict(p).unwrap_or_else(|| panic!("{p} should not be checked"));
            assert!(reason.contains(why), "{p}: {reason}");
        }
        assert!(verdict(&"a".repeat(MAX_PATTERN_LEN + 1)).is_some());
        // Every pattern the estimate lets through is one the regex crate compiles (or says why).
        assert!(regex::Regex::new("^\\w{1,32}$").is_ok());
    }

    #[test]
    fn estimate_multiplies_counted_repetitions() {
        let size = |p: &str| estimated_size(&regex_syntax::Parser::new().parse(p).unwrap());
        assert!(
            size("^([a-f0-9]{24})$") < 500,
            "{}",
            size("^([a-f0-9]{24})$")
        );
        assert!(size("(a{1000}){1000}") >= 1_000_000);
        assert!(size("\\w{200}") > MAX_ESTIMATE);
        assert!(size("\\w{100}") <= MAX_ESTIMATE, "{}", size("\\w{100}"));
        assert_eq!(size("a{4294967295}{4294967295}{4294967295}"), u64::MAX);
    }

    /// A pattern estimated at most `SURE_ESTIMATE` compiles with a tenth of the default size
    /// limit, for the classes with the most UTF-8 sequences.
    #[test]
    fn small_estimates_compile_with_a_margin() {
        for class in [
            ".", "\\w", "\\W", "\\p{L}", "[^a]", "(?i)\\w", "(?s:.)", "\\p{Any}",
        ] {
            let size = |n: u64| {
                let p = format!("^{class}{{{n}}}$");
                estimated_size(&regex_syntax::Parser::new().parse(&p).unwrap())
            };
            let n = (1..)
                .take_while(|&n| size(n) <= SURE_ESTIMATE)
                .last()
                .unwrap_or(1);
            let pattern = format!("^{class}{{{n}}}$");
            let compiled = regex::RegexBuilder::new(&pattern)
                .size_limit(1 << 20)
                .build();
            assert!(compiled.is_ok(), "{pattern}: {compiled:?}");
        }
    }

    #[test]
    fn the_budget_is_shared_and_verdicts_are_cached() {
        let mut patterns = Patterns {
            budget: 10_000,
            ..Patterns::default()
        };
        let mut compiled = 0;
        let mut refused = 0;
        for n in 0..20 {
            // About 3,100 per copy of `\w`: `\w{1}` and `\w{2}` fit the budget, then none.
            match patterns.why_unchecked(&format!("^\\w{{{}}}$", 1 + n)) {
                None => compiled += 1,
                Some(reason) => {
                    assert!(reason.contains("together are too large"), "{reason}");
                    refused += 1;
                }
            }
        }
        assert_eq!((compiled, refused), (2, 18));
        assert!(patterns.spent <= patterns.budget);
        // A pattern decided before keeps its verdict, budget or not; a short one still fits.
        assert_eq!(patterns.why_unchecked("^\\w{1}$"), None);
        assert_eq!(patterns.why_unchecked("^[a-f0-9]{24}$"), None);
    }
}
