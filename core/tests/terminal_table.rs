//! The terminal table as a new user reads it: nothing said twice.

use crate::common::{csv, evaluate, plan};
use attain_core::{TableOptions, render_table};

/// A gendered indicator whose rule writes the women's and men's values in its reason (as
/// Östersund's `jamforelse.rhai` does), and one whose rule does not.
#[test]
fn women_and_men_are_shown_once() {
    let toml = "[plan]\nid = \"g\"\ntitle = \"G\"\nlanguage = \"sv\"\n[[goal]]\nid = \"1\"\ntitle = \"M\"\nindicators = [\"SAYS\", \"QUIET\"]\n\
        [[indicator]]\nid = \"SAYS\"\ntitle = \"Says\"\ngender = true\nrule = \"rules/says.rhai\"\n\
        [[indicator]]\nid = \"QUIET\"\ntitle = \"Quiet\"\ngender = true\nrule = \"reference\"\nparams = { against = 5 }\n";
    let says = "attained(`Kvinnor ${fmt(women)}, män ${fmt(men)}.`)";
    let p = plan(toml, &[("rules/says.rhai", says)]);
    let data = "indicator,entity,period,gender,value\nSAYS,1,2022,T,10\nSAYS,1,2022,K,27.93\nSAYS,1,2022,M,36\n\
        QUIET,1,2022,T,10\nQUIET,1,2022,K,11\nQUIET,1,2022,M,9\n";
    let table = render_table(&evaluate(&p, &csv(data), "1", "2022"), &TableOptions::default()).unwrap();
    assert_eq!(table.matches("27,93").count(), 1, "{table}");
    assert!(table.contains("kvinnor 11, män 9"), "the line stays where the reason does not say it:\n{table}");
}
