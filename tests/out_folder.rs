//! `report --out` and `compare --out` into folders that hold other files: a folder of the
//! user's files without concbench's list of its own is refused, the user's files put beside
//! concbench's output later are never replaced or removed (a collision refuses the whole
//! write with exit status 2 and changes nothing), an `--out` that is a file or that holds the
//! input is refused, and a folder without the list keeps every file it holds.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{concbench, files_under, fixture};

fn scratch(name: &str) -> PathBuf {
    common::scratch("out-folder-tests", name)
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Every file under `dir` (hidden ones too) with its bytes, sorted by path.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|relative| {
            let bytes = fs::read(dir.join(&relative)).unwrap();
            (relative, bytes)
        })
        .collect()
}

fn put(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// The single `error:` line of a run that must exit with status 2.
fn refused(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

fn report(input: &Path, out: &Path) -> Output {
    concbench(&["report", s(input), "--out", s(out), "--format", "svg"])
}

fn compare(out: &Path, formats: &str) -> Output {
    let (a, b) = (
        fixture("compare/laptop.json"),
        fixture("compare/server.json"),
    );
    concbench(&[
        "compare",
        s(&a),
        s(&b),
        "--out",
        s(out),
        "--chart-format",
        formats,
    ])
}

/// A machine folder `X/results.json` and a folder of the user's own files.
fn users_folder(dir: &Path) -> (PathBuf, PathBuf) {
    let input = dir.join("X/results.json");
    fs::create_dir_all(input.parent().unwrap()).unwrap();
    fs::copy(fixture("results/valid.json"), &input).unwrap();
    let mine = dir.join("mine");
    for (rel, text) in [
        ("report.md", "my report"),
        ("results.csv", "my,table"),
        ("sleep/speedup.svg", "<svg>my chart</svg>"),
        ("sleep/my-own.txt", "my notes"),
    ] {
        put(&mine, rel, text);
    }
    (input, mine)
}

#[test]
fn report_into_a_folder_of_the_users_files_is_refused_and_nothing_changes() {
    let dir = scratch("report-users");
    let (input, mine) = users_folder(&dir);
    let before = tree(&mine);
    let err = refused(&report(&input, &mine));
    assert_eq!(
        err,
        format!(
            "error: {} already holds files concbench did not write (it has no .concbench-report-files); give --out a new or empty folder\n",
            mine.display()
        )
    );
    assert_eq!(
        tree(&mine),
        before,
        "every file byte for byte, nothing added"
    );
}

#[test]
fn report_beside_the_users_files_keeps_them_and_replaces_only_its_own() {
    let dir = scratch("report-beside");
    let (input, users_files) = users_folder(&dir);
    // A report folder first; the user adds files beside and inside its folders later.
    let mine = dir.join("report");
    assert!(report(&input, &mine).status.success());
    put(&mine, "my-notes.md", "my notes");
    fs::copy(
        users_files.join("sleep/my-own.txt"),
        mine.join("sleep/my-own.txt"),
    )
    .unwrap();
    let users: Vec<_> = tree(&mine)
        .into_iter()
        .filter(|(rel, _)| rel.ends_with("my-notes.md") || rel.ends_with("my-own.txt"))
        .collect();
    assert_eq!(users.len(), 2);
    let png = mine.join("sum-squares/speedup.png");
    for formats in ["svg,png", "svg"] {
        let out = concbench(&["report", s(&input), "--out", s(&mine), "--format", formats]);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(png.exists(), formats.contains("png"), "{formats}");
    }
    let after = tree(&mine);
    for file in &users {
        assert!(after.contains(file), "{} changed", file.0.display());
    }
    assert!(mine.join("sum-squares/speedup.svg").is_file());
    assert!(
        !mine.join("sum-squares/speedup.png").exists(),
        "the first report's PNGs are removed"
    );
    // The user's own file now collides with nothing, so a third report still succeeds.
    assert!(report(&input, &mine).status.success());
    assert_eq!(
        fs::read(mine.join("sleep/my-own.txt")).unwrap(),
        b"my notes"
    );
}

#[test]
fn compare_beside_the_users_files_keeps_them_and_refuses_collisions() {
    let dir = scratch("compare-users");
    let mine = dir.join("mine2");
    assert!(compare(&mine, "svg").status.success());
    put(&mine, "sleep/notes.txt", "my notes");
    for formats in ["svg,png", "svg"] {
        let out = compare(&mine, formats);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(
            mine.join("sleep/speedup.png").exists(),
            formats.contains("png")
        );
    }
    assert_eq!(fs::read(mine.join("sleep/notes.txt")).unwrap(), b"my notes");
    assert!(mine.join("sleep/speedup.svg").is_file());
    assert!(!mine.join("sleep/speedup.png").exists());

    // A file of the user's where a new output must go refuses the whole write.
    let other = dir.join("other");
    assert!(compare(&other, "svg").status.success());
    put(&other, "sleep/speedup.png", "my picture");
    let before = tree(&other);
    let err = refused(&compare(&other, "svg,png"));
    assert!(
        err.contains(s(&other.join("sleep/speedup.png")))
            && err.contains("was not written by concbench"),
        "{err}"
    );
    assert_eq!(tree(&other), before);
    // A folder of the user's files is refused whole.
    let theirs = dir.join("theirs");
    put(&theirs, "compare.md", "my comparison");
    let before = tree(&theirs);
    let err = refused(&compare(&theirs, "svg"));
    assert!(
        err.contains("already holds files concbench did not write"),
        "{err}"
    );
    assert_eq!(tree(&theirs), before);
}

#[test]
fn out_naming_a_file_is_bad_input_for_both_commands() {
    let dir = scratch("afile");
    let afile = dir.join("afile");
    fs::write(&afile, "mine").unwrap();
    let want = format!(
        "error: {} is a file, not a folder; give --out a folder (it is created if missing)\n",
        afile.display()
    );
    let input = fixture("results/valid.json");
    assert_eq!(refused(&report(&input, &afile)), want);
    assert_eq!(refused(&compare(&afile, "svg")), want);
    assert_eq!(fs::read(&afile).unwrap(), b"mine");
}

#[test]
fn a_folder_without_the_list_keeps_every_file_it_holds() {
    let dir = scratch("earlier");
    // A machine folder: its results.json reads as a concbench results file, so a report may
    // go there (as `cargo bench` puts one), but never over a file it did not list.
    let machine = dir.join("machine");
    fs::create_dir_all(&machine).unwrap();
    fs::copy(fixture("results/valid.json"), machine.join("results.json")).unwrap();
    put(&machine, "report.md", "a report someone wrote");
    put(&machine, "sleep/speedup.svg", "a chart someone drew");
    let before = tree(&machine);
    let err = refused(&report(&machine.join("results.json"), &machine));
    assert!(
        err.contains(s(&machine.join("report.md"))) && err.contains("was not written by concbench"),
        "{err}"
    );
    assert_eq!(tree(&machine), before);
    // Moved away, the report is written, and the results file stays as it was.
    fs::remove_file(machine.join("report.md")).unwrap();
    fs::remove_dir_all(machine.join("sleep")).unwrap();
    assert!(
        report(&machine.join("results.json"), &machine)
            .status
            .success()
    );
    assert_eq!(
        fs::read(machine.join("results.json")).unwrap(),
        fs::read(fixture("results/valid.json")).unwrap()
    );

    // A comparison folder without the list: its files are kept the same way.
    let cmp = dir.join("compare");
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/compare/compare.json");
    fs::create_dir_all(&cmp).unwrap();
    fs::copy(committed, cmp.join("compare.json")).unwrap();
    put(&cmp, "compare.md", "a comparison someone wrote");
    let before = tree(&cmp);
    let err = refused(&compare(&cmp, "svg"));
    assert!(err.contains("was not written by concbench"), "{err}");
    assert_eq!(tree(&cmp), before);

    // Without a readable concbench file the same folder is someone else's.
    let unknown = dir.join("unknown");
    put(&unknown, "results.json", "{\"not\": \"concbench\"}");
    put(&unknown, "report.md", "someone's report");
    let before = tree(&unknown);
    let input = fixture("results/valid.json");
    let err = refused(&report(&input, &unknown));
    assert!(
        err.contains("already holds files concbench did not write"),
        "{err}"
    );
    assert_eq!(tree(&unknown), before);
}

#[test]
fn an_out_folder_holding_the_input_is_refused() {
    let dir = scratch("holds-input");
    let criterion = dir.join("criterion");
    fs::create_dir_all(&criterion).unwrap();
    for entry in fs::read_dir(fixture("criterion/normal")).unwrap() {
        let entry = entry.unwrap();
        copy_tree(&entry.path(), &criterion.join(entry.file_name()));
    }
    let before = tree(&criterion);
    for out in [&criterion, &dir] {
        let run = concbench(&["report", "--criterion", s(&criterion), "--out", s(out)]);
        let err = refused(&run);
        assert!(
            err.contains("holds the input") && err.contains("give --out a folder outside it"),
            "{err}"
        );
    }
    assert_eq!(
        tree(&criterion),
        before,
        "the criterion folder is untouched"
    );
    // compare: an --out holding one of the inputs.
    let inputs = dir.join("inputs");
    fs::create_dir_all(&inputs).unwrap();
    fs::copy(fixture("compare/laptop.json"), inputs.join("laptop.json")).unwrap();
    fs::copy(fixture("compare/server.json"), inputs.join("server.json")).unwrap();
    let run = concbench(&[
        "compare",
        s(&inputs.join("laptop.json")),
        s(&inputs.join("server.json")),
        "--out",
        s(&inputs),
    ]);
    assert!(refused(&run).contains("holds the input"));
    assert_eq!(fs::read_dir(&inputs).unwrap().count(), 2);
}

fn copy_tree(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        fs::copy(from, to).unwrap();
    }
}
