// SPDX-License-Identifier: Apache-2.0 WITH LLVM-exception
// A Rust guest (Debian's rustc, target wasm32-wasi): args, env, files in a granted
// directory, a refused escape, and its exit code.
// Run as: moat run --env GREETING=hi --dir DIR::/work rust.wasm alpha beta
use std::fs;
use std::io::Write;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    assert_eq!(&args[1..], ["alpha", "beta"]);
    assert_eq!(std::env::var("GREETING").unwrap(), "hi");
    assert!(std::env::var("HOME").is_err());
    let mut f = fs::File::create("/work/rust.txt").expect("create");
    writeln!(f, "{}", args[1..].join(" ")).unwrap();
    drop(f);
    let text = fs::read_to_string("/work/rust.txt").expect("read");
    assert_eq!(text, "alpha beta\n");
    fs::create_dir("/work/sub").unwrap();
    fs::rename("/work/rust.txt", "/work/sub/moved.txt").unwrap();
    let names: Vec<_> = fs::read_dir("/work/sub").unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1);
    assert!(fs::read_to_string("/work/../etc/passwd").is_err());
    assert!(fs::read_to_string("/etc/passwd").is_err());
    println!("rust: all checks passed");
    std::process::exit(7);
}
