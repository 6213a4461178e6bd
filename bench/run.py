#!/usr/bin/env python3
"""virt-lint benchmark: start-up latency, corpus throughput and peak memory, against virt-xml-validate
and a bare parse of the same files. Needs target/virt-lint.jar (mvn -q package -DskipTests) and, for the
comparisons, virt-xml-validate (Debian: libvirt-clients) and ../shared/corpus. Usage:

    bench/run.py [--runs N] [--validate-sample N] [--startup-only] [--jdk JAVA_HOME ...]

Targets (issue 8, on a 2-core machine): one GPU domain, cold JVM, median <= 0.35 s; corpus throughput
>= 20x looping virt-xml-validate and within 3x of the bare parse; peak RSS flat when the corpus grows 10x.
Issue 18: a cold one-file run with this host's facts (--host-root /) within 1.2x of one without, and the
libvirt hook's start latency (the installed hook script, as libvirt runs it) beside virt-xml-validate; with
--jdk, (e) the start-up archive each JDK can have (none, class-data sharing, and from JDK 25 an AOT cache), built
from the same jar and timed side by side.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LAUNCHER = PROJECT / "bin" / "virt-lint"
JAR = PROJECT / "target" / "virt-lint.jar"
CORPUS = PROJECT.parent / "shared" / "corpus"
GPU_DOMAIN = PROJECT / "testdata" / "example-win11.xml"


def timed(command, **kwargs):
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def timed_with_cpu(command, **kwargs):
    """Wall seconds and the CPU seconds (user + system) the command and its children used: on a busy machine the
    CPU time still compares two tools when the wall time no longer does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(command, **kwargs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def peak_rss_kib(command):
    """Runs under GNU time and returns (seconds, peak resident set in KiB)."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + command, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    seconds, kib = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib)


def corpus_files():
    files = []
    for folder in ("libvirt-tests", "real-world"):
        files += sorted(str(p) for p in (CORPUS / folder).glob("*.xml"))
    return files


def generated_domains(directory):
    """A 1000-hostdev domain and a 256-NUMA-node domain: the layout code must stay fast on both."""
    hostdevs = "\n".join(
        f"    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' "
        f"bus='0x{1 + i // 32:02x}' slot='0x{i % 32:02x}' function='0x0'/></source></hostdev>"
        for i in range(1000))
    (directory / "hostdevs-1000.xml").write_text(
        "<domain type='qemu'><name>many</name><memory unit='GiB'>64</memory>"
        "<os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n  <devices>\n"
        + hostdevs + "\n  </devices>\n</domain>\n")
    cells = "".join(f"<cell id='{i}' cpus='{i}' memory='1' unit='GiB'/>" for i in range(256))
    (directory / "numa-256.xml").write_text(
        "<domain type='qemu'><name>numa</name><maxMemory slots='16' unit='GiB'>1024</maxMemory>"
        "<memory unit='GiB'>256</memory><vcpu>256</vcpu>"
        "<os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>"
        f"<cpu><model>EPYC</model><numa>{cells}</numa></cpu></domain>\n")
    return [directory / "hostdevs-1000.xml", directory / "numa-256.xml"]


def installed_hook(directory):
    """The hook script `virt-lint hook install` writes, installed under a scratch root; its configuration is absent."""
    (directory / "etc" / "libvirt").mkdir(parents=True)
    subprocess.run([str(LAUNCHER), "hook", "install", "--root", str(directory), "--config",
                    str(directory / "hook.yaml")], check=True, stdout=subprocess.DEVNULL)
    return directory / "etc" / "libvirt" / "hooks" / "qemu.d" / "virt-lint"


def startup_side_by_side(runs, validate):
    """Each tool once per round, round after round, so that a busy moment of the machine hits all of them."""
    with tempfile.TemporaryDirectory() as scratch:
        hook = installed_hook(Path(scratch))
        tools = {
            "virt-lint, no host facts": [str(LAUNCHER), "-q", "--fail-on", "never", str(GPU_DOMAIN)],
            "virt-lint --host-root /": [str(LAUNCHER), "-q", "--fail-on", "never", "--host-root", "/",
                                        str(GPU_DOMAIN)],
            "hook, prepare begin": ["/bin/sh", str(hook), "win11", "prepare", "begin", "-"],
            "hook, any other step": ["/bin/sh", str(hook), "win11", "stopped", "end", "-"],
        }
        if validate:
            tools["virt-xml-validate"] = [validate, str(GPU_DOMAIN)]
        walls = {name: [] for name in tools}
        cpus = {name: [] for name in tools}
        for _ in range(runs):
            for name, command in tools.items():
                with open(GPU_DOMAIN, "rb") as stdin:
                    wall, cpu = timed_with_cpu(command, stdin=stdin)
                walls[name].append(wall)
                cpus[name].append(cpu)
    medians = {name: statistics.median(values) for name, values in walls.items()}
    cpu_medians = {name: statistics.median(values) for name, values in cpus.items()}
    print(f"\n(d) start-up side by side, one GPU domain, median of {runs} rounds (wall, and CPU: user + system)")
    for name, median in medians.items():
        print(f"    {name:26s} {median:.3f} s  cpu {cpu_medians[name]:.3f} s")
    ratio = medians["virt-lint --host-root /"] / medians["virt-lint, no host facts"]
    cpu_ratio = cpu_medians["virt-lint --host-root /"] / cpu_medians["virt-lint, no host facts"]
    print(f"    host facts cost {ratio:.2f}x a run without (cpu {cpu_ratio:.2f}x)  "
          f"[{verdict(ratio <= 1.2)} target <= 1.2x]")
    if validate:
        print(f"    the hook adds {medians['hook, prepare begin']:.3f} s to a start, "
              f"{medians['hook, prepare begin'] / medians['virt-xml-validate']:.1f}x virt-xml-validate")


def java_feature(java_home):
    """The JDK's feature release (17, 25, ...), from its release file."""
    for line in (Path(java_home) / "release").read_text().splitlines():
        if line.startswith("JAVA_VERSION="):
            return int(line.split("=", 1)[1].strip('"').split(".")[0])
    raise SystemExit(f"bench: {java_home} has no JAVA_VERSION in its release file")


def startup_archives_side_by_side(jdks, runs):
    """Each JDK runs a copy of the jar and the launcher three ways: without an archive, with the class-data-sharing
    archive and (JDK 25 and newer) with the AOT cache, each built by scripts/BuildStartupArchive.java as mvn package
    builds it. All variants are timed round after round, so the machine's load hits them alike."""
    with tempfile.TemporaryDirectory() as scratch:
        variants = {}
        for java_home in jdks:
            feature = java_feature(java_home)
            for kind in ["none", "cds"] + (["aot"] if feature >= 25 else []):
                home = Path(scratch) / f"jdk{feature}-{kind}"
                (home / "bin").mkdir(parents=True)
                (home / "target").mkdir()
                shutil.copy2(LAUNCHER, home / "bin" / "virt-lint")
                shutil.copy2(JAR, home / "target" / "virt-lint.jar")
                if kind != "none":
                    subprocess.run([str(Path(java_home) / "bin" / "java"),
                                    str(PROJECT / "scripts" / "BuildStartupArchive.java"),
                                    str(home / "target" / "virt-lint.jar"), str(PROJECT), kind],
                                   check=True, stdout=subprocess.DEVNULL)
                variants[f"JDK {feature}, {kind}"] = (home / "bin" / "virt-lint", java_home)
        paths = {
            "no host facts": ["-q", "--fail-on", "never", str(GPU_DOMAIN)],
            "--host-root /": ["-q", "--fail-on", "never", "--host-root", "/", str(GPU_DOMAIN)],
            "hook run, prepare begin": ["hook", "run", "--config", str(Path(scratch) / "absent.yaml"), "win11",
                                        "prepare", "begin", "-"],
        }
        cpus = {(variant, path): [] for variant in variants for path in paths}
        walls = {(variant, path): [] for variant in variants for path in paths}
        for _ in range(runs):
            for variant, (launcher, java_home) in variants.items():
                for path, arguments in paths.items():
                    with open(GPU_DOMAIN, "rb") as stdin:
                        wall, cpu = timed_with_cpu([str(launcher)] + arguments, stdin=stdin,
                                                   env={**os.environ, "JAVA_HOME": java_home})
                    walls[(variant, path)].append(wall)
                    cpus[(variant, path)].append(cpu)
    print(f"\n(e) start-up archives per JDK, one GPU domain, median of {runs} rounds: wall / CPU (user + system)")
    print("    " + f"{'':18s}" + "".join(f"{path:>26s}" for path in paths))
    for variant in variants:
        cells = "".join(f"{statistics.median(walls[(variant, path)]):>14.3f} s /{statistics.median(cpus[(variant, path)]):6.3f} s"
                        for path in paths)
        print(f"    {variant:18s}{cells}")


def verdict(ok):
    return "PASS" if ok else "MISS"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="cold-start runs per tool (default 15)")
    parser.add_argument("--validate-sample", type=int, default=200,
                        help="files virt-xml-validate is timed on; its rate is per file (default 200)")
    parser.add_argument("--startup-only", action="store_true",
                        help="only the cold-start measurements (a), (d) and (e), not the corpus")
    parser.add_argument("--jdk", action="append", default=[], metavar="JAVA_HOME",
                        help="(e): build each start-up archive this JDK can have and time it; repeat for each JDK")
    args = parser.parse_args()
    if not JAR.exists():
        sys.exit("bench: build first: mvn -q package -DskipTests")
    validate = shutil.which("virt-xml-validate")
    print(f"machine: {os.cpu_count()} cores; java: "
          + subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0])

    # (a) one GPU domain, cold JVM each time
    lint_times = [timed([str(LAUNCHER), "-q", "--fail-on", "never", str(GPU_DOMAIN)]) for _ in range(args.runs)]
    lint_median = statistics.median(lint_times)
    print(f"\n(a) one GPU domain, cold start, median of {args.runs}")
    print(f"    virt-lint           {lint_median:.3f} s   [{verdict(lint_median <= 0.35)} target <= 0.35 s]")
    if validate:
        validate_median = statistics.median(timed([validate, str(GPU_DOMAIN)]) for _ in range(args.runs))
        print(f"    virt-xml-validate   {validate_median:.3f} s   (virt-lint / validate = "
              f"{lint_median / validate_median:.1f}x)")

    startup_side_by_side(args.runs, validate)
    if args.jdk:
        startup_archives_side_by_side(args.jdk, args.runs)
    if args.startup_only:
        return

    # (b) and (c) the corpus in one process
    if not CORPUS.exists():
        print("\n(b)/(c) skipped: ../shared/corpus is absent")
        return
    files = corpus_files()
    seconds, rss = peak_rss_kib([str(LAUNCHER), "-q", "--fail-on", "never"] + files)
    lint_rate = len(files) / seconds
    print(f"\n(b) {len(files)} corpus files in one process")
    print(f"    virt-lint           {lint_rate:8.0f} files/s  ({seconds:.2f} s)")
    with tempfile.TemporaryDirectory() as classes:
        # Compiled ahead, so the floor is not charged for javac.
        subprocess.run(["javac", "-cp", str(JAR), "-d", classes, str(PROJECT / "bench" / "BareParse.java")],
                       check=True)
        floor_seconds, floor_rss = peak_rss_kib(["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                                                 f"{classes}:{JAR}", "BareParse"] + files)
    floor_rate = len(files) / floor_seconds
    print(f"    bare parse (floor)  {floor_rate:8.0f} files/s  ({floor_seconds:.2f} s)  "
          f"[{verdict(floor_rate / lint_rate <= 3)} virt-lint within 3x: {floor_rate / lint_rate:.2f}x]")
    if validate:
        sample = files[:args.validate_sample]
        started = time.perf_counter()
        for file in sample:
            subprocess.run([validate, file], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        validate_rate = len(sample) / (time.perf_counter() - started)
        print(f"    virt-xml-validate   {validate_rate:8.0f} files/s  (looped over {len(sample)} files)  "
              f"[{verdict(lint_rate / validate_rate >= 20)} virt-lint >= 20x: {lint_rate / validate_rate:.1f}x]")

    print(f"\n(c) peak RSS, corpus once: {rss / 1024:.0f} MiB")
    ten_x = files * 10
    seconds10, rss10 = peak_rss_kib([str(LAUNCHER), "-q", "--fail-on", "never"] + ten_x)
    print(f"    corpus 10x ({len(ten_x)} files, {seconds10:.1f} s): {rss10 / 1024:.0f} MiB  "
          f"[{verdict(rss10 < 2 * rss)} flat: {rss10 / rss:.2f}x the memory for 10x the files]")

    with tempfile.TemporaryDirectory() as directory:
        print("\ngenerated inputs")
        for domain in generated_domains(Path(directory)):
            seconds, rss = peak_rss_kib([str(LAUNCHER), "-q", "--fail-on", "never", "--accel", "tcg", str(domain)])
            print(f"    {domain.name:20s} {seconds:.2f} s  {rss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
