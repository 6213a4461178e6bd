package dev.virtlint.host;

import java.util.Optional;

/**
 * A loaded KVM vendor module ({@code kvm_amd} or {@code kvm_intel}) and its two-dimensional paging parameter
 * ({@code npt} or {@code ept}); {@code enabled} is absent when the parameter file is missing or malformed.
 */
public record KvmModule(String module, String parameter, Optional<Boolean> enabled) {
}
