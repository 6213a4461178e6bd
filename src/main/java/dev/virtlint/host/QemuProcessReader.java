package dev.virtlint.host;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link QemuProcess} from a host root: qemu.conf's {@code user}, {@code group} and {@code security_driver},
 * the user's entries in {@code etc/passwd} and {@code etc/group}, and AppArmor's state and libvirt's policy files.
 * The same paths and line patterns say what a snapshot keeps of those files.
 */
final class QemuProcessReader {
    static final String QEMU_CONF = "etc/libvirt/qemu.conf";
    static final String PASSWD = "etc/passwd";
    static final String GROUP = "etc/group";
    static final String APPARMOR_ENABLED = "sys/module/apparmor/parameters/enabled";
    static final String APPARMOR_DIR = "etc/apparmor.d";
    /** libvirt's files that every guest's profile includes, relative to {@value #APPARMOR_DIR}. */
    static final List<String> APPARMOR_POLICY_FILES = List.of("abstractions/libvirt-qemu",
            "local/abstractions/libvirt-qemu", "libvirt/TEMPLATE.qemu");
    /** A directory of further policy files the abstraction includes (AppArmor 3 and later). */
    static final String APPARMOR_POLICY_DIR = "abstractions/libvirt-qemu.d";

    /** A setting qemu.conf sets: {@code user = "libvirt-qemu"}, {@code security_driver = [ "apparmor" ]}. */
    static final Pattern SETTING = Pattern.compile("^\\s*(user|group|security_driver)\\s*=\\s*(.*?)\\s*$");
    /**
     * The build's default, which qemu.conf states in a comment made from the build's QEMU_USER and QEMU_GROUP
     * ({@code #user = "@QEMU_USER@"} in src/qemu/qemu.conf.in); the examples above it are indented after the '#'.
     */
    static final Pattern DEFAULT = Pattern.compile("^#(user|group)\\s*=\\s*\"([^\"]*)\"\\s*$");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    /** A file rule: {@code owner /tmp/** r,}; rules with variables ({@code @{HOME}}) are left out. */
    private static final Pattern READ_RULE = Pattern.compile("^\\s*(owner\\s+)?(/[^\\s@]*)\\s+([a-zA-Z]+)\\s*,\\s*$");

    private final RootFiles files;
    private final List<HostWarning> warnings;

    QemuProcessReader(RootFiles files, List<HostWarning> warnings) {
        this.files = files;
        this.warnings = warnings;
    }

    QemuProcess read() {
        Optional<Map<String, String>> settings = files.read(QEMU_CONF).map(QemuProcessReader::settings);
        Optional<QemuIdentity> identity = settings.flatMap(this::identity);
        return new QemuProcess(identity, appArmor(settings.flatMap(map -> Optional.ofNullable(map.get(
                "security_driver")))));
    }

    /** The settings qemu.conf makes, with "default." before the keys the build's defaults give. */
    static Map<String, String> settings(String text) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            Matcher setting = SETTING.matcher(line);
            Matcher fallback = DEFAULT.matcher(line);
            if (setting.matches()) {
                List<String> values = new ArrayList<>();
                Matcher quoted = QUOTED.matcher(setting.group(2));
                while (quoted.find()) {
                    values.add(quoted.group(1));
                }
                settings.put(setting.group(1), String.join(",", values));
            } else if (fallback.matches()) {
                settings.put("default." + fallback.group(1), fallback.group(2));
            }
        }
        return settings;
    }

    /** Whether a line of qemu.conf is one {@link #settings(String)} reads, so that a snapshot keeps it. */
    static boolean isKeptLine(String line) {
        return SETTING.matcher(line).matches() || DEFAULT.matcher(line).matches();
    }

    private Optional<QemuIdentity> identity(Map<String, String> settings) {
        boolean configured = settings.containsKey("user");
        Optional<String> user = Optional.ofNullable(settings.getOrDefault("user", settings.get("default.user")));
        Optional<String> group = Optional.ofNullable(settings.getOrDefault("group", settings.get("default.group")));
        if (user.isEmpty() || group.isEmpty()) {
            warnings.add(new HostWarning(QEMU_CONF, "names no user or group, nor the build's defaults in its comments;"
                    + " who QEMU runs as is unknown"));
            return Optional.empty();
        }
        Optional<List<String[]>> passwd = files.read(PASSWD).map(QemuProcessReader::entries);
        Optional<List<String[]>> groups = files.read(GROUP).map(QemuProcessReader::entries);
        if (passwd.isEmpty() || groups.isEmpty()) {
            return Optional.empty();
        }
        Optional<String[]> userEntry = entry(passwd.get(), user.get());
        Optional<Integer> uid = userEntry.map(entry -> Integer.parseInt(entry[2])).or(() -> numeric(user.get()));
        Optional<Integer> gid = entry(groups.get(), group.get()).map(entry -> Integer.parseInt(entry[2]))
                .or(() -> numeric(group.get()));
        if (uid.isEmpty() || gid.isEmpty()) {
            warnings.add(new HostWarning(uid.isEmpty() ? PASSWD : GROUP, "has no entry for "
                    + (uid.isEmpty() ? "the user " + user.get() : "the group " + group.get())
                    + " QEMU runs as; who QEMU runs as is unknown"));
            return Optional.empty();
        }
        Set<Integer> memberOf = new HashSet<>();
        memberOf.add(gid.get());
        userEntry.ifPresent(entry -> memberOf.add(Integer.parseInt(entry[3])));
        String name = userEntry.map(entry -> entry[0]).orElse(user.get());
        for (String[] entry : groups.get()) {
            if (entry.length > 3 && List.of(entry[3].split(",")).contains(name)) {
                memberOf.add(Integer.parseInt(entry[2]));
            }
        }
        return Optional.of(new QemuIdentity(name, uid.get(), gid.get(), memberOf, configured));
    }

    /**
     * The lines of {@code etc/passwd} ({@code passwdFile}) or {@code etc/group} a snapshot keeps: the QEMU user's entry
     * and the entries of the groups it runs with, so that it records who QEMU is and nobody else.
     */
    static List<String> keptLines(String text, Map<String, String> settings, Optional<String> passwd,
                                  boolean passwdFile) {
        String user = settings.getOrDefault("user", settings.getOrDefault("default.user", ""));
        String group = settings.getOrDefault("group", settings.getOrDefault("default.group", ""));
        Optional<String[]> userEntry = passwd.flatMap(p -> entry(entries(p), user));
        String name = userEntry.map(entry -> entry[0]).orElse(user);
        List<String> kept = new ArrayList<>();
        for (String line : text.lines().toList()) {
            List<String[]> parsed = entries(line);
            if (parsed.isEmpty()) {
                continue;
            }
            String[] fields = parsed.get(0);
            boolean keep = passwdFile ? userEntry.map(entry -> entry[0].equals(fields[0])).orElse(false)
                    : entry(parsed, group).isPresent()
                            || userEntry.map(entry -> entry[3].equals(fields[2])).orElse(false)
                            || List.of(fields[3].split(",")).contains(name);
            if (keep) {
                kept.add(line);
            }
        }
        return kept;
    }

    /**
     * Lines of passwd ({@code name:x:uid:gid:…}) or group ({@code name:x:gid:members}) whose ids are numbers of at most
     * nine digits; ids beyond (4294967294, "nfsnobody") are no QEMU user's.
     */
    static List<String[]> entries(String text) {
        return text.lines().map(line -> line.split(":", -1))
                .filter(fields -> fields.length >= 4 && fields[2].matches("\\d{1,9}")
                        && (fields.length < 7 || fields[3].matches("\\d{1,9}")))
                .toList();
    }

    /**
     * The entry libvirt resolves a qemu.conf value to: "+N" is the id N; otherwise a name, and digits that name
     * nothing are an id (virGetUserID, virGetGroupID).
     */
    static Optional<String[]> entry(List<String[]> entries, String spec) {
        if (spec.startsWith("+")) {
            return numeric(spec).flatMap(id -> entries.stream().filter(e -> e[2].equals(String.valueOf(id)))
                    .findFirst());
        }
        Optional<String[]> byName = entries.stream().filter(e -> e[0].equals(spec)).findFirst();
        return byName.or(() -> numeric(spec).flatMap(id -> entries.stream()
                .filter(e -> e[2].equals(String.valueOf(id))).findFirst()));
    }

    private static Optional<Integer> numeric(String spec) {
        String digits = spec.startsWith("+") ? spec.substring(1) : spec;
        return digits.matches("\\d{1,9}") ? Optional.of(Integer.parseInt(digits)) : Optional.empty();
    }

    /** Known wherever {@code sys/module} is: AppArmor is off when its module directory is not there. */
    private Optional<AppArmorPolicy> appArmor(Optional<String> securityDriver) {
        if (!files.isDirectory(HostRootReader.MODULES)) {
            return Optional.empty();
        }
        boolean enabled = files.read(APPARMOR_ENABLED)
                .flatMap(text -> HostFormats.moduleFlag(text, APPARMOR_ENABLED, warnings)).orElse(false);
        List<AppArmorPolicy.ReadRule> rules = new ArrayList<>();
        for (String policy : policyFiles()) {
            files.read(APPARMOR_DIR + "/" + policy).ifPresent(text -> rules.addAll(readRules(text, policy)));
        }
        return Optional.of(new AppArmorPolicy(enabled, securityDriver, rules));
    }

    /** The policy files that exist, relative to {@value #APPARMOR_DIR}. */
    List<String> policyFiles() {
        List<String> policies = new ArrayList<>();
        for (String policy : APPARMOR_POLICY_FILES) {
            if (files.exists(APPARMOR_DIR + "/" + policy)) {
                policies.add(policy);
            }
        }
        files.list(APPARMOR_DIR + "/" + APPARMOR_POLICY_DIR).orElse(List.of())
                .forEach(name -> policies.add(APPARMOR_POLICY_DIR + "/" + name));
        return policies;
    }

    /** Whether a policy line is a rule that lets QEMU read a path, the only lines a snapshot keeps. */
    static boolean isReadRule(String line) {
        Matcher rule = READ_RULE.matcher(line);
        return rule.matches() && rule.group(3).contains("r");
    }

    static List<AppArmorPolicy.ReadRule> readRules(String text, String source) {
        List<AppArmorPolicy.ReadRule> rules = new ArrayList<>();
        for (String line : text.lines().toList()) {
            Matcher rule = READ_RULE.matcher(line);
            if (rule.matches() && rule.group(3).contains("r")) {
                rules.add(new AppArmorPolicy.ReadRule(rule.group(2), rule.group(1) != null, source));
            }
        }
        return rules;
    }
}
