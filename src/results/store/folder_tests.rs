use super::*;

const MANIFEST: &str = ".test-files";

fn never(_: &Path) -> bool {
    false
}

fn holds_marker(dir: &Path) -> bool {
    dir.join("results.json").is_file()
}

const OWNER: Owner = Owner {
    manifest: MANIFEST,
    staging: ".test-staging",
    ours: never,
};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("concbench-folder-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Stages `files` (path, content) and commits them into `out`.
fn write(out: &Path, owner: Owner, files: &[(&str, &str)]) -> Result<Vec<PathBuf>, OutputError> {
    let folder = OutputFolder::open(out, owner)?;
    for (path, text) in files {
        let path = folder.staging().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    folder.commit()
}

/// Every file under `dir` with its content, sorted by path.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.push((rel, fs::read_to_string(&p).unwrap_or_default()));
            }
        }
    }
    out.sort();
    out
}

fn manifest(out: &Path) -> Vec<String> {
    fs::read_to_string(out.join(MANIFEST))
        .unwrap()
        .lines()
        .skip(1)
        .map(String::from)
        .collect()
}

fn put(out: &Path, rel: &str, text: &str) {
    let path = out.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn a_new_folder_gets_the_files_and_a_manifest_and_no_staging() {
    let dir = scratch("new");
    let out = dir.join("a/out");
    let files = write(&out, OWNER, &[("r.md", "one"), ("sleep/s.svg", "chart")]).unwrap();
    assert_eq!(files, [PathBuf::from("r.md"), PathBuf::from("sleep/s.svg")]);
    assert_eq!(manifest(&out), ["r.md", "sleep/s.svg"]);
    let names: Vec<String> = tree(&out).into_iter().map(|(p, _)| p).collect();
    assert_eq!(names, [MANIFEST, "r.md", "sleep/s.svg"]);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn user_files_beside_and_inside_outputs_stay_and_stale_outputs_go() {
    let out = scratch("beside");
    write(
        &out,
        OWNER,
        &[("r.md", "1"), ("sleep/s.svg", "1"), ("gone/g.svg", "1")],
    )
    .unwrap();
    put(&out, "mine.txt", "my notes");
    put(&out, "sleep/my-own.txt", "keep me");
    write(&out, OWNER, &[("r.md", "2"), ("sleep/s.svg", "2")]).unwrap();
    assert_eq!(
        tree(&out),
        [
            (
                MANIFEST.to_string(),
                fs::read_to_string(out.join(MANIFEST)).unwrap()
            ),
            ("mine.txt".into(), "my notes".into()),
            ("r.md".into(), "2".into()),
            ("sleep/my-own.txt".into(), "keep me".into()),
            ("sleep/s.svg".into(), "2".into()),
        ]
    );
    assert!(!out.join("gone").exists(), "a folder left empty is removed");
    assert_eq!(manifest(&out), ["r.md", "sleep/s.svg"]);

    // A stale output's folder that still holds a user's file stays.
    write(&out, OWNER, &[("r.md", "3")]).unwrap();
    assert!(!out.join("sleep/s.svg").exists());
    assert_eq!(
        fs::read_to_string(out.join("sleep/my-own.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(manifest(&out), ["r.md"]);
    fs::remove_dir_all(out).unwrap();
}

#[test]
fn a_colliding_user_file_refuses_the_whole_write_and_changes_nothing() {
    let out = scratch("collide");
    write(&out, OWNER, &[("ours.md", "an earlier output")]).unwrap();
    put(&out, "r.md", "my report");
    put(&out, "sleep/s.svg", "my chart");
    let before = tree(&out);
    let err = write(
        &out,
        OWNER,
        &[("a.md", "new"), ("r.md", "new"), ("sleep/s.svg", "new")],
    )
    .unwrap_err();
    assert!(err.is_bad_input());
    assert!(matches!(&err, OutputError::NotOurs { path } if path == &out.join("r.md")));
    assert!(
        err.to_string().contains("was not written by concbench"),
        "{err}"
    );
    assert!(
        err.to_string().contains("choose another --out folder"),
        "{err}"
    );
    assert_eq!(tree(&out), before, "nothing written, no staging");
    assert_eq!(manifest(&out), ["ours.md"]);
    assert_eq!(fs::read_dir(&out).unwrap().count(), 4);
    fs::remove_dir_all(out).unwrap();
}

#[test]
fn folders_and_files_in_the_way_are_refused() {
    let out = scratch("in-the-way");
    write(&out, OWNER, &[("ours.md", "an earlier output")]).unwrap();
    fs::create_dir_all(out.join("r.md")).unwrap();
    let err = write(&out, OWNER, &[("r.md", "new")]).unwrap_err();
    assert!(matches!(&err, OutputError::NotOurs { path } if path == &out.join("r.md")));
    fs::remove_dir_all(out.join("r.md")).unwrap();

    put(&out, "sleep", "a file where a folder must go");
    let err = write(&out, OWNER, &[("sleep/s.svg", "new")]).unwrap_err();
    assert!(matches!(&err, OutputError::NotOurs { path } if path == &out.join("sleep")));
    assert_eq!(
        fs::read_to_string(out.join("sleep")).unwrap(),
        "a file where a folder must go"
    );
    fs::remove_dir_all(out).unwrap();
}

#[test]
fn an_own_file_where_a_folder_must_now_go_is_replaced() {
    let out = scratch("file-to-folder");
    write(&out, OWNER, &[("sleep", "old")]).unwrap();
    write(&out, OWNER, &[("sleep/s.svg", "new")]).unwrap();
    assert_eq!(fs::read_to_string(out.join("sleep/s.svg")).unwrap(), "new");
    assert_eq!(manifest(&out), ["sleep/s.svg"]);
    fs::remove_dir_all(out).unwrap();
}

#[test]
fn a_folder_without_manifest_takes_new_files_only_when_it_looks_like_ours() {
    let out = scratch("earlier");
    put(&out, "results.json", "{}");
    put(&out, "r.md", "a report someone wrote");
    let err = write(&out, OWNER, &[("new.md", "new")]).unwrap_err();
    assert!(matches!(err, OutputError::Unmarked { .. }), "{err}");
    let owner = Owner {
        ours: holds_marker,
        ..OWNER
    };
    // Its files are never replaced, whoever wrote them: a collision is refused.
    let before = tree(&out);
    let err = write(&out, owner, &[("r.md", "new")]).unwrap_err();
    assert!(matches!(&err, OutputError::NotOurs { path } if path == &out.join("r.md")));
    assert_eq!(tree(&out), before);
    // New files go in beside them.
    write(&out, owner, &[("new.md", "new")]).unwrap();
    assert_eq!(
        fs::read_to_string(out.join("r.md")).unwrap(),
        "a report someone wrote"
    );
    assert_eq!(fs::read_to_string(out.join("results.json")).unwrap(), "{}");
    assert_eq!(manifest(&out), ["new.md"]);
    fs::remove_dir_all(out).unwrap();
}

#[test]
fn an_existing_file_as_the_folder_is_refused() {
    let dir = scratch("afile");
    let out = dir.join("afile");
    fs::write(&out, "mine").unwrap();
    let err = write(&out, OWNER, &[("r.md", "new")]).unwrap_err();
    assert!(err.is_bad_input());
    assert_eq!(
        err.to_string(),
        format!(
            "{} is a file, not a folder; give --out a folder (it is created if missing)",
            out.display()
        )
    );
    assert_eq!(fs::read_to_string(&out).unwrap(), "mine");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_manifest_naming_paths_outside_the_folder_is_refused() {
    let dir = scratch("escape");
    let out = dir.join("out");
    put(&dir, "victim.txt", "outside");
    put(&out, MANIFEST, &format!("{HEADER}\n../victim.txt\n"));
    let err = write(&out, OWNER, &[("r.md", "new")]).unwrap_err();
    assert!(matches!(&err, OutputError::BadManifest { .. }), "{err}");
    assert!(err.to_string().contains("line 2"), "{err}");
    assert_eq!(
        fs::read_to_string(dir.join("victim.txt")).unwrap(),
        "outside"
    );
    assert!(!out.join("r.md").exists());

    put(&out, MANIFEST, "someone else's list\nr.md\n");
    let err = write(&out, OWNER, &[("r.md", "new")]).unwrap_err();
    assert!(matches!(&err, OutputError::BadManifest { .. }), "{err}");
    fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn stale_outputs_are_not_removed_through_a_link_the_user_put_there() {
    let dir = scratch("link");
    let out = dir.join("out");
    write(&out, OWNER, &[("sleep/s.svg", "ours")]).unwrap();
    fs::remove_dir_all(out.join("sleep")).unwrap();
    put(&dir, "elsewhere/s.svg", "the user's");
    std::os::unix::fs::symlink(dir.join("elsewhere"), out.join("sleep")).unwrap();
    write(&out, OWNER, &[("r.md", "new")]).unwrap();
    assert_eq!(
        fs::read_to_string(dir.join("elsewhere/s.svg")).unwrap(),
        "the user's"
    );
    // Nor written through it.
    let err = write(&out, OWNER, &[("sleep/s.svg", "new")]).unwrap_err();
    assert!(matches!(&err, OutputError::NotOurs { path } if path == &out.join("sleep")));
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_failure_part_way_leaves_whole_files_and_a_manifest_covering_them() {
    let out = scratch("part-way");
    write(&out, OWNER, &[("a.md", "old"), ("z.md", "old")]).unwrap();
    let folder = OutputFolder::open(&out, OWNER).unwrap();
    for name in ["a.md", "b.md"] {
        fs::write(folder.staging().join(name), "new").unwrap();
    }
    let plan = folder.plan().unwrap();
    // Something takes b.md's place after the check, so its rename fails.
    put(&out, "b.md/inside", "late");
    let err = folder.apply(plan).unwrap_err();
    assert!(!err.is_bad_input(), "{err}");
    assert!(err.to_string().contains("b.md"), "{err}");
    assert_eq!(fs::read_to_string(out.join("a.md")).unwrap(), "new");
    assert_eq!(fs::read_to_string(out.join("z.md")).unwrap(), "old");
    assert_eq!(manifest(&out), ["a.md", "b.md", "z.md"]);
    let staging = folder.staging().to_path_buf();
    drop(folder);
    assert!(!staging.exists(), "the staging folder is removed");
    fs::remove_dir_all(out).unwrap();
}

#[test]
fn a_folder_of_someone_elses_files_is_refused_and_an_empty_one_is_used() {
    let out = scratch("unmarked");
    put(&out, "notes.txt", "mine");
    let before = tree(&out);
    let err = write(&out, OWNER, &[("r.md", "new")]).unwrap_err();
    assert!(err.is_bad_input());
    assert!(
        err.to_string().ends_with(
            "already holds files concbench did not write (it has no .test-files); give --out a new or empty folder"
        ),
        "{err}"
    );
    assert_eq!(tree(&out), before, "nothing written");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 1, "no staging left");
    // An empty folder, or one holding only a staging folder left by a killed run, is used.
    fs::remove_file(out.join("notes.txt")).unwrap();
    fs::create_dir(out.join(".test-staging-1-0")).unwrap();
    write(&out, OWNER, &[("r.md", "new")]).unwrap();
    assert_eq!(manifest(&out), ["r.md"]);
    fs::remove_dir_all(out).unwrap();
}

#[test]
fn an_output_folder_holding_the_input_is_refused() {
    let dir = scratch("holds-input");
    let input = dir.join("criterion");
    fs::create_dir_all(input.join("group")).unwrap();
    for out in [dir.clone(), input.clone()] {
        let err = refuse_holding(&out, &input).unwrap_err();
        assert!(err.is_bad_input());
        assert!(
            err.to_string().contains("give --out a folder outside it"),
            "{err}"
        );
    }
    // Beside it, inside it, or not there yet: fine.
    refuse_holding(&dir.join("report"), &input).unwrap();
    refuse_holding(&input.join("group"), &input).unwrap();
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_folder_under_a_file_is_refused_naming_the_file() {
    let dir = scratch("under-a-file");
    let file = dir.join("results.json");
    fs::write(&file, "mine").unwrap();
    let err = write(&file.join("sub"), OWNER, &[("r.md", "new")]).unwrap_err();
    assert!(err.is_bad_input());
    assert!(
        matches!(&err, OutputError::NotAFolder { path } if path == &file),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "mine");
    fs::remove_dir_all(dir).unwrap();
}
