package dev.fraudscore.node.risk;

import dev.fraudscore.domain.Transaction;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The block and allow lists a node checks on every decision: the entries in force (loaded from PostgreSQL, replaced
 * whole when any node changes them), indexed for a match in a few hash lookups whatever their number: exact values
 * per entity kind, and IP ranges (CIDR) per prefix length. A block wins over an allow; an entry past its expiry no
 * longer matches. Thread-safe: a decision reads an immutable snapshot.
 */
public final class RiskLists {
    public enum ListType {
        BLOCK,
        ALLOW;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Kind {
        CARD,
        TERMINAL,
        CUSTOMER,
        DEVICE,
        IP;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** An entry in force. {@code expiresAt}: null for none. */
    public record Entry(long id, ListType list, Kind kind, String value, String reason, Instant expiresAt) {
        /** The stable reason code a match puts first in the decision's reasons, e.g. {@code LIST_BLOCK_CARD}. */
        public String code() {
            return "LIST_" + list.name() + "_" + kind.name();
        }

        boolean live(Instant now) {
            return expiresAt == null || expiresAt.isAfter(now);
        }
    }

    private volatile Snapshot snapshot = new Snapshot(List.of());

    /** Puts {@code entries} in force in place of the ones before. */
    public void replace(List<Entry> entries) {
        snapshot = new Snapshot(entries);
    }

    public int size() {
        return snapshot.size;
    }

    /** The entry deciding {@code tx}: a block if any matches, else an allow, else null. */
    public Entry match(Transaction tx, Instant now) {
        Snapshot s = snapshot;
        if (s.size == 0) {
            return null;
        }
        Entry block = s.match(ListType.BLOCK, tx, now);
        return block != null ? block : s.match(ListType.ALLOW, tx, now);
    }

    /** An IP literal or CIDR range as address bytes and prefix length; null when it is neither. */
    public static Cidr cidr(String value) {
        String address = value;
        int prefix = -1;
        int slash = value.indexOf('/');
        if (slash >= 0) {
            address = value.substring(0, slash);
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        byte[] bytes = literal(address);
        if (bytes == null) {
            return null;
        }
        int bits = bytes.length * 8;
        if (prefix == -1) {
            prefix = bits;
        }
        if (prefix < 0 || prefix > bits) {
            return null;
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    /** Address bytes of an IPv4 or IPv6 literal (never a host name lookup); null otherwise. */
    static byte[] literal(String s) {
        if (s.isEmpty()
                || !s.matches("[0-9A-Fa-f:.]+")
                || (s.indexOf(':') < 0 && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static byte[] mask(byte[] address, int prefix) {
        byte[] out = Arrays.copyOf(address, address.length);
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /** A network: its masked address and prefix length. */
    public record Cidr(byte[] network, int prefix) {
        String key() {
            return HexFormatHolder.HEX.formatHex(network) + "/" + prefix;
        }
    }

    private static final class HexFormatHolder {
        static final java.util.HexFormat HEX = java.util.HexFormat.of();
    }

    /** One immutable index of the entries in force. */
    private static final class Snapshot {
        final int size;
        /** list, then kind + '\u0000' + value. */
        final Map<ListType, Map<String, Entry>> exact = new HashMap<>();
        /** list, then address length (4 or 16), the prefix lengths present (longest first) and the networks. */
        final Map<ListType, Map<Integer, TreeSet<Integer>>> prefixes = new HashMap<>();

        final Map<ListType, Map<String, Entry>> networks = new HashMap<>();

        Snapshot(List<Entry> entries) {
            size = entries.size();
            for (ListType l : ListType.values()) {
                exact.put(l, new HashMap<>());
                networks.put(l, new HashMap<>());
                prefixes.put(l, new HashMap<>());
            }
            for (Entry e : entries) {
                if (e.kind() == Kind.IP) {
                    Cidr c = cidr(e.value());
                    if (c == null) {
                        continue; // refused when saved; never loaded
                    }
                    networks.get(e.list()).put(c.key(), e);
                    prefixes.get(e.list())
                            .computeIfAbsent(c.network().length, n -> new TreeSet<>((a, b) -> b - a))
                            .add(c.prefix());
                } else {
                    exact.get(e.list()).put(e.kind().name() + '\u0000' + e.value(), e);
                }
            }
        }

        Entry match(ListType list, Transaction tx, Instant now) {
            Map<String, Entry> values = exact.get(list);
            if (!values.isEmpty()) {
                for (Entry e : new Entry[] {
                    find(values, Kind.CARD, tx.cardId()),
                    find(values, Kind.TERMINAL, tx.terminalId()),
                    find(values, Kind.CUSTOMER, tx.customerId()),
                    find(values, Kind.DEVICE, tx.deviceId())
                }) {
                    if (e != null && e.live(now)) {
                        return e;
                    }
                }
            }
            if (tx.ipAddress() == null || networks.get(list).isEmpty()) {
                return null;
            }
            byte[] address = literal(tx.ipAddress());
            if (address == null) {
                return null;
            }
            TreeSet<Integer> lengths = prefixes.get(list).get(address.length);
            if (lengths == null) {
                return null;
            }
            for (int prefix : lengths) {
                Entry e = networks.get(list).get(new Cidr(mask(address, prefix), prefix).key());
                if (e != null && e.live(now)) {
                    return e;
                }
            }
            return null;
        }

        private static Entry find(Map<String, Entry> values, Kind kind, String value) {
            return value == null ? null : values.get(kind.name() + '\u0000' + value);
        }
    }

    /** Entries as a list (for tests and tools). */
    public static List<Entry> of(Entry... entries) {
        return new ArrayList<>(Arrays.asList(entries));
    }
}
