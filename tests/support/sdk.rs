//! The official FreeClimb Python SDK (`freeclimb==5.4.1`) in a shared virtual environment, for conformance tests.
//!
//! [`python`] creates `target/sdk-venv` on first use (or repairs it), installs the SDK and any extra packages a
//! test asks for (e.g. `jsonschema`), and returns the venv's interpreter; later calls only check what is
//! installed. Several test binaries run at the same time under `cargo test`, so creation and installation happen
//! under an exclusive lock on `target/sdk-venv.lock` (an OS file lock: released even if a test crashes).
//!
//! Nothing is ever skipped: without `python3 -m venv` or network access to PyPI on the first run, the test fails
//! with the reason and the command that failed.
//!
//! Include from an integration test with `#[path = "support/sdk.rs"] mod sdk;`.

// Each test binary includes this file and uses only part of it.
#![allow(dead_code)]

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The SDK version every conformance test runs against (reference §0).
pub const SDK_VERSION: &str = "5.4.1";

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The shared virtual environment: `target/sdk-venv`, or `$CONFLAB_SDK_VENV` when set (to try a fresh one
/// without disturbing the shared one).
pub fn venv() -> PathBuf {
    std::env::var_os("CONFLAB_SDK_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/sdk-venv"))
}

/// Runs a command; on failure, panics with what it printed. Returns stdout.
#[track_caller]
pub fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start {cmd:?}: {e}"));
    if !out.status.success() {
        panic!(
            "{what} failed ({}): {cmd:?}\n--- stdout\n{}\n--- stderr\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{what} printed non-UTF-8: {e}"))
}

/// The distribution name of a pip requirement (`jsonschema==4.23.0` → `jsonschema`).
fn requirement_name(requirement: &str) -> &str {
    requirement
        .split(['=', '<', '>', '!', '~', '[', ';', ' '])
        .next()
        .unwrap_or(requirement)
}

/// The installed versions of `names` in the venv (`None` for each one that is missing; all `None` when the
/// venv's python does not run).
fn installed(python: &Path, names: &[&str]) -> Vec<Option<String>> {
    let script = "import sys, importlib.metadata as m\n\
                  for n in sys.argv[1:]:\n\
                  \x20   try: print(m.version(n))\n\
                  \x20   except m.PackageNotFoundError: print('')\n";
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(names)
        .output()
        .ok()
        .filter(|o| o.status.success());
    match out {
        Some(o) => String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| Some(l.trim().to_owned()).filter(|v| !v.is_empty()))
            .chain(std::iter::repeat(None))
            .take(names.len())
            .collect(),
        None => vec![None; names.len()],
    }
}

/// Whether every requirement (`name` or `name==version`) is satisfied by `versions`.
fn satisfied(requirements: &[String], versions: &[Option<String>]) -> bool {
    requirements.iter().zip(versions).all(|(req, v)| match v {
        None => false,
        Some(v) => match req.split_once("==") {
            Some((_, want)) => v == want.trim(),
            None => true,
        },
    })
}

/// The venv's python with `freeclimb==SDK_VERSION` and every `extra` requirement (pip syntax, e.g.
/// `"jsonschema"` or `"jsonschema==4.23.0"`) installed. Creates or repairs the venv when needed; safe to call
/// from several test binaries at once. Panics with the reason when it cannot.
#[track_caller]
pub fn python(extra: &[&str]) -> PathBuf {
    let venv = venv();
    let python = venv.join("bin/python");
    let mut requirements = vec![format!("freeclimb=={SDK_VERSION}")];
    requirements.extend(extra.iter().map(|r| r.to_string()));
    let names: Vec<&str> = requirements.iter().map(|r| requirement_name(r)).collect();

    // Fast path without the lock: everything is already there.
    if satisfied(&requirements, &installed(&python, &names)) {
        return python;
    }

    let mut lock_path = venv.clone().into_os_string();
    lock_path.push(".lock");
    let lock_path = PathBuf::from(lock_path);
    if let Some(parent) = lock_path.parent() {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
    }
    let lock = File::create(&lock_path)
        .unwrap_or_else(|e| panic!("cannot create the venv lock {}: {e}", lock_path.display()));
    lock.lock()
        .unwrap_or_else(|e| panic!("cannot take the venv lock {}: {e}", lock_path.display()));

    // Another binary may have done the work while we waited for the lock.
    let versions = installed(&python, &names);
    if satisfied(&requirements, &versions) {
        return python;
    }
    if versions.iter().all(Option::is_none) {
        // No venv, or a broken one (a python that does not start): make it afresh. `--clear` empties a
        // half-made folder left by an interrupted run.
        run(
            Command::new("python3")
                .args(["-m", "venv", "--clear"])
                .arg(&venv),
            "creating the SDK virtual environment with `python3 -m venv` (on Debian: apt-get install python3-venv)",
        );
    }
    let missing: Vec<&String> = requirements
        .iter()
        .zip(&installed(&python, &names))
        .filter(|(req, v)| !satisfied(std::slice::from_ref(*req), std::slice::from_ref(*v)))
        .map(|(req, _)| req)
        .collect();
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--quiet",
            ])
            .args(missing.iter().map(|r| r.as_str())),
        &format!(
            "installing {missing:?} from PyPI with pip into {}",
            venv.display()
        ),
    );
    let versions = installed(&python, &names);
    assert!(
        satisfied(&requirements, &versions),
        "after pip install, the venv {} still lacks some of {requirements:?} (found {versions:?})",
        venv.display()
    );
    drop(lock);
    python
}

/// Runs `script` with the venv's python (SDK only; call [`python`] first with any extras) and `args`, feeding
/// `stdin` when given. Returns the raw output; the caller asserts on it (see [`expect_success`]).
#[track_caller]
pub fn run_python(script: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let python = python(&[]);
    let mut cmd = Command::new(&python);
    cmd.arg(script)
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    // Write stdin from a thread: a script that prints a lot before reading would otherwise deadlock.
    let writer = stdin.map(|bytes| {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let bytes = bytes.to_vec();
        std::thread::spawn(move || pipe.write_all(&bytes))
    });
    let out = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for {cmd:?}: {e}"));
    if let Some(w) = writer {
        // A broken pipe means the script exited without reading everything; its exit status tells why.
        let _ = w.join().expect("the stdin writer thread panicked");
    }
    out
}

/// Panics with everything the script printed unless it exited 0; returns its stdout.
#[track_caller]
pub fn expect_success(out: Output, what: &str) -> String {
    if !out.status.success() {
        panic!(
            "{what} failed ({})\n--- stdout\n{}\n--- stderr\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{what} printed non-UTF-8: {e}"))
}
