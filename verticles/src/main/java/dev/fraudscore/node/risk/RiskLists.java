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
import java.util.regex.Pattern;

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

    private static final Pattern HEX_OR_DOTS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /** Address bytes of an IPv4 or IPv6 literal (never a host name lookup); null otherwise. */
    static byte[] literal(String s) {
        if (s.isEmpty()
                || !HEX_OR_DOTS.matcher(s).matches()
                || (s.indexOf(':') < 0 && !DOTTED_QUAD.matcher(s).matches())) {
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
    public record Cidr(byte[] network, int prefix) {}

    /**
     * An address or network as up to 128 bits, IPv4 in the low 32 bits of {@code lo}; {@code length}: 4 or 16 bytes.
     * The index's key: a transaction's address masked to each prefix length in use is looked up as is.
     */
    private record Net(int length, int prefix, long hi, long lo) {
        static Net of(byte[] address, int prefix) {
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < address.length; i++) {
                if (address.length == 16 && i < 8) {
                    hi = hi << 8 | (address[i] & 0xff);
                } else {
                    lo = lo << 8 | (address[i] & 0xff);
                }
            }
            return new Net(address.length, address.length * 8, hi, lo).masked(prefix);
        }

        /** The address of a transaction; null when it is not an IP literal. Dotted quads without a parser. */
        static Net address(String s) {
            if (s.indexOf(':') < 0) {
                long v = 0;
                int octets = 0;
                int i = 0;
                int n = s.length();
                while (i < n && octets < 4) {
                    int start = i;
                    int octet = 0;
                    while (i < n && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                        octet = octet * 10 + (s.charAt(i++) - '0');
                    }
                    if (i == start || octet > 255) {
                        return null;
                    }
                    v = v << 8 | octet;
                    octets++;
                    if (octets < 4) {
                        if (i >= n || s.charAt(i) != '.') {
                            return null;
                        }
                        i++;
                    }
                }
                return octets == 4 && i == n ? new Net(4, 32, 0, v) : null;
            }
            byte[] bytes = literal(s);
            return bytes == null ? null : of(bytes, bytes.length * 8);
        }

        Net masked(int p) {
            if (length == 4) {
                return new Net(4, p, 0, p == 0 ? 0 : lo & (0xFFFFFFFFL << (32 - p)) & 0xFFFFFFFFL);
            }
            if (p <= 64) {
                return new Net(16, p, p == 0 ? 0 : hi & (-1L << (64 - p)), 0);
            }
            return new Net(16, p, hi, lo & (-1L << (128 - p)));
        }
    }

    /** The entries of one list (block or allow), indexed. */
    private static final class Side {
        /** By entity kind (ordinal), then value; IPs are in {@link #networks}. */
        final List<Map<String, Entry>> exact = new ArrayList<>();

        final Map<Net, Entry> networks = new HashMap<>();
        /** The prefix lengths in use for IPv4 and IPv6 networks, longest first. */
        int[] v4 = new int[0];

        int[] v6 = new int[0];

        Side() {
            for (int i = 0; i < Kind.values().length; i++) {
                exact.add(new HashMap<>());
            }
        }

        void add(Entry e) {
            if (e.kind() != Kind.IP) {
                exact.get(e.kind().ordinal()).put(e.value(), e);
                return;
            }
            Cidr c = cidr(e.value());
            if (c == null) {
                return; // refused when saved; never loaded
            }
            Net net = Net.of(c.network(), c.prefix());
            networks.put(net, e);
            if (net.length() == 4) {
                v4 = withPrefix(v4, net.prefix());
            } else {
                v6 = withPrefix(v6, net.prefix());
            }
        }

        private static int[] withPrefix(int[] prefixes, int prefix) {
            for (int p : prefixes) {
                if (p == prefix) {
                    return prefixes;
                }
            }
            int[] out = Arrays.copyOf(prefixes, prefixes.length + 1);
            out[prefixes.length] = prefix;
            Arrays.sort(out);
            for (int i = 0; i < out.length / 2; i++) {
                int t = out[i];
                out[i] = out[out.length - 1 - i];
                out[out.length - 1 - i] = t;
            }
            return out;
        }

        Entry match(Transaction tx, Instant now) {
            Entry e = live(Kind.CARD, tx.cardId(), now);
            if (e == null) {
                e = live(Kind.TERMINAL, tx.terminalId(), now);
            }
            if (e == null) {
                e = live(Kind.CUSTOMER, tx.customerId(), now);
            }
            if (e == null) {
                e = live(Kind.DEVICE, tx.deviceId(), now);
            }
            if (e != null || tx.ipAddress() == null || networks.isEmpty()) {
                return e;
            }
            Net address = Net.address(tx.ipAddress());
            if (address == null) {
                return null;
            }
            for (int prefix : address.length() == 4 ? v4 : v6) {
                Entry n = networks.get(address.masked(prefix));
                if (n != null && n.live(now)) {
                    return n;
                }
            }
            return null;
        }

        private Entry live(Kind kind, String value, Instant now) {
            if (value == null) {
                return null;
            }
            Entry e = exact.get(kind.ordinal()).get(value);
            return e != null && e.live(now) ? e : null;
        }
    }

    /** One immutable index of the entries in force. */
    private static final class Snapshot {
        final int size;
        final Side block = new Side();
        final Side allow = new Side();

        Snapshot(List<Entry> entries) {
            size = entries.size();
            for (Entry e : entries) {
                (e.list() == ListType.BLOCK ? block : allow).add(e);
            }
        }

        Entry match(ListType list, Transaction tx, Instant now) {
            return (list == ListType.BLOCK ? block : allow).match(tx, now);
        }
    }

    /** Entries as a list (for tests and tools). */
    public static List<Entry> of(Entry... entries) {
        return new ArrayList<>(Arrays.asList(entries));
    }
}
