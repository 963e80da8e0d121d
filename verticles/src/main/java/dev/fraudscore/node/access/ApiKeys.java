package dev.fraudscore.node.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The API keys a node accepts, as the hashes of the keys that are not revoked, each with its client's name and
 * roles. A snapshot replaced as a whole by the {@link KeysVerticle} every {@code security.refreshMs} (so a
 * revocation reaches every node within that time); read on the event loops without locking.
 */
public final class ApiKeys {
    /** What a key may do. */
    public enum Role {
        DECIDE,
        LABEL,
        ANALYST,
        ADMIN,
        /** Event times are used as sent, however far from the receive time (history replays, the handbook). */
        REPLAY,
        /** Block and allow lists (and rules): the risk team's changes to what decides. */
        RISK;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Role of(String wire) {
            return valueOf(wire.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * A key's owner: its id, client name and roles, and its request rate limit on each node ({@code ratePerSecond}
     * refilled up to {@code burst}; 0: none).
     */
    public record Client(long id, String name, Set<Role> roles, double ratePerSecond, int burst) {}

    private static final SecureRandom RANDOM = new SecureRandom();
    private volatile Map<String, Client> byHash = Map.of();
    private volatile Map<String, Client> byName = Map.of();

    /** The client a presented key belongs to, or null (unknown or revoked). */
    public Client find(String presentedKey) {
        return byHash.get(hash(presentedKey));
    }

    /**
     * The client a certificate's CN names (mTLS): the roles of all its keys in force, the rate of its first; null
     * when it has none (revoking a client's last key locks its certificate out too).
     */
    public Client byName(String client) {
        return byName.get(client);
    }

    void replace(Map<String, Client> snapshot) {
        Map<String, Client> names = new HashMap<>();
        for (Client c : snapshot.values()) {
            names.merge(c.name(), c, (a, b) -> {
                Set<Role> roles = EnumSet.copyOf(a.roles());
                roles.addAll(b.roles());
                Client first = a.id() <= b.id() ? a : b;
                return new Client(first.id(), first.name(), roles, first.ratePerSecond(), first.burst());
            });
        }
        this.byHash = Map.copyOf(snapshot);
        this.byName = Map.copyOf(names);
    }

    public int size() {
        return byHash.size();
    }

    /** A new key: {@code fsk_} and 256 random bits, base64url. */
    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "fsk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored form of a key: SHA-256, hex. */
    public static String hash(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What listings show of a key. */
    public static String prefix(String key) {
        return key.substring(0, Math.min(12, key.length()));
    }
}
