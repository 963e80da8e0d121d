package dev.fraudscore.node.risk;

import static org.junit.jupiter.api.Assertions.*;

import dev.fraudscore.domain.Channel;
import dev.fraudscore.domain.Transaction;
import dev.fraudscore.node.risk.RiskLists.Entry;
import dev.fraudscore.node.risk.RiskLists.Kind;
import dev.fraudscore.node.risk.RiskLists.ListType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RiskListsTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");

    private static Transaction tx(String card, String terminal, String customer, String device, String ip) {
        return new Transaction(
                "t-1",
                card,
                terminal,
                new BigDecimal("10.00"),
                "EUR",
                OffsetDateTime.parse("2026-11-24T10:00:00Z"),
                customer,
                device,
                ip,
                null,
                null,
                Channel.ECOM);
    }

    private static Entry entry(long id, ListType list, Kind kind, String value, Instant expires) {
        return new Entry(id, list, kind, value, "test", expires);
    }

    @Test
    void aBlockOnAnyEntityDeclinesAndWinsOverAnAllow() {
        RiskLists lists = new RiskLists();
        lists.replace(List.of(
                entry(1, ListType.ALLOW, Kind.TERMINAL, "term-1", null),
                entry(2, ListType.BLOCK, Kind.CUSTOMER, "cust-9", null),
                entry(3, ListType.BLOCK, Kind.DEVICE, "dev-7", null)));
        assertEquals(
                "LIST_ALLOW_TERMINAL",
                lists.match(tx("c", "term-1", null, null, null), NOW).code());
        assertEquals(
                "LIST_BLOCK_CUSTOMER",
                lists.match(tx("c", "term-1", "cust-9", null, null), NOW).code());
        assertEquals(
                "LIST_BLOCK_DEVICE",
                lists.match(tx("c", "t", null, "dev-7", null), NOW).code());
        assertNull(lists.match(tx("c", "t", "cust-1", "dev-1", "10.0.0.1"), NOW));
    }

    @Test
    void ipEntriesMatchAddressesAndRangesOfEitherFamily() {
        RiskLists lists = new RiskLists();
        lists.replace(List.of(
                entry(1, ListType.BLOCK, Kind.IP, "203.0.113.0/24", null),
                entry(2, ListType.BLOCK, Kind.IP, "198.51.100.7", null),
                entry(3, ListType.ALLOW, Kind.IP, "2001:db8:abcd::/48", null),
                entry(4, ListType.BLOCK, Kind.IP, "2001:db8:abcd:12::/64", null)));
        assertEquals(
                "LIST_BLOCK_IP",
                lists.match(tx("c", "t", null, null, "203.0.113.200"), NOW).code());
        assertEquals(
                2, lists.match(tx("c", "t", null, null, "198.51.100.7"), NOW).id());
        assertNull(lists.match(tx("c", "t", null, null, "198.51.100.8"), NOW));
        assertNull(lists.match(tx("c", "t", null, null, "203.0.114.1"), NOW));
        assertEquals(
                3,
                lists.match(tx("c", "t", null, null, "2001:db8:abcd:ff::1"), NOW)
                        .id());
        assertEquals(
                4,
                lists.match(tx("c", "t", null, null, "2001:db8:abcd:12::5"), NOW)
                        .id(),
                "block wins");
        assertNull(RiskLists.cidr("203.0.113.0/33"));
        assertNull(RiskLists.cidr("999.1.1.1"));
        assertNull(RiskLists.cidr("example.com"), "never a name lookup");
    }

    @Test
    void aTransactionsAddressIsReadStrictlyAndRangesOfEveryLengthMatch() {
        RiskLists lists = new RiskLists();
        lists.replace(List.of(
                entry(1, ListType.ALLOW, Kind.IP, "0.0.0.0/0", null),
                entry(2, ListType.BLOCK, Kind.IP, "192.0.2.128/25", null),
                entry(3, ListType.BLOCK, Kind.IP, "2001:db8::1/128", null),
                entry(4, ListType.BLOCK, Kind.IP, "2001:db8:8000::/33", null)));
        assertEquals(
                2, lists.match(tx("c", "t", null, null, "192.0.2.200"), NOW).id(), "block wins over /0");
        assertEquals(
                1, lists.match(tx("c", "t", null, null, "192.0.2.127"), NOW).id());
        assertEquals(1, lists.match(tx("c", "t", null, null, "8.8.8.8"), NOW).id());
        assertEquals(
                3, lists.match(tx("c", "t", null, null, "2001:db8:0:0::1"), NOW).id());
        assertNull(lists.match(tx("c", "t", null, null, "2001:db8::2"), NOW));
        assertEquals(
                4,
                lists.match(tx("c", "t", null, null, "2001:db8:ffff::9"), NOW).id(),
                "a prefix past 32 bits");
        assertNull(lists.match(tx("c", "t", null, null, "2001:db8:7fff::9"), NOW));
        for (String notAnAddress :
                new String[] {"192.0.2", "192.0.2.200.1", "192.0.2.256", "192.0.2.2x", "1..2.3", ""}) {
            assertNull(lists.match(tx("c", "t", null, null, notAnAddress), NOW), notAnAddress);
        }
    }

    @Test
    void anExpiredEntryNoLongerMatches() {
        RiskLists lists = new RiskLists();
        lists.replace(List.of(entry(1, ListType.BLOCK, Kind.CARD, "card-1", NOW.plusSeconds(60))));
        assertNotNull(lists.match(tx("card-1", "t", null, null, null), NOW));
        assertNull(lists.match(tx("card-1", "t", null, null, null), NOW.plusSeconds(61)));
    }

    @Test
    void aHundredThousandEntriesStillMatchByLookup() {
        List<Entry> many = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            many.add(entry(i, i % 2 == 0 ? ListType.BLOCK : ListType.ALLOW, Kind.values()[i % 4], "v-" + i, null));
        }
        for (int i = 0; i < 1000; i++) {
            many.add(entry(200_000 + i, ListType.BLOCK, Kind.IP, "10." + (i / 256) + "." + (i % 256) + ".0/24", null));
        }
        RiskLists lists = new RiskLists();
        lists.replace(many);
        assertEquals(101_000, lists.size());
        assertEquals(
                99_996, lists.match(tx("v-99996", "t", null, null, null), NOW).id());
        assertEquals(
                200_257, lists.match(tx("c", "t", null, null, "10.1.1.9"), NOW).id());
        assertNull(lists.match(tx("c", "t", null, null, "11.1.1.9"), NOW));
    }
}
