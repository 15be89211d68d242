package dev.spindle.observer;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class JsonTest
{
    @Test
    void nestsAndPlacesCommas()
    {
        final Json j = new Json(16);
        j.object().field("a", 1).key("b").array().value("x").object().field("c", true).end().array().endArray().endArray()
            .field("d", (String)null).field("e", 0.25).field("f", Double.NaN).end();
        assertEquals("{\"a\":1,\"b\":[\"x\",{\"c\":true},[]],\"d\":null,\"e\":0.25,\"f\":null}", j.toString());
        final Map<String, Object> m = MiniJson.object(j.toString());
        assertEquals(List.of("x", Map.of("c", true), List.of()), m.get("b"));
    }

    @Test
    void escapesWhatCouldBreakTheStreamOrThePage()
    {
        final String nasty = "a\"b\\c\nd\re\tf\u0001g</script><img src=x>\u2028";
        final Json j = new Json(16);
        j.object().field("name", nasty).end();
        final String out = j.toString();
        assertFalse(out.contains("\n") || out.contains("\r"), "one line: an SSE data field ends at a newline");
        assertFalse(out.contains("<"), "no markup");
        assertEquals(nasty, MiniJson.object(out).get("name"));
    }

    @Test
    void numbersRoundToFourDecimals()
    {
        final Json j = new Json(16);
        j.array().value(1.0).value(0.123456).value(-2.5).value(100.0 / 3).endArray();
        assertEquals("[1,0.1235,-2.5,33.3333]", j.toString());
    }

    @Test
    void pidsParseWithOrWithoutBrackets()
    {
        assertEquals(new dev.spindle.Pid(0, 42, 3), PidText.parse("<0.42.3>"));
        assertEquals(new dev.spindle.Pid(1, 2, 0), PidText.parse(" 1.2.0 "));
        for (final String bad : new String[] {null, "", "<0.42>", "a.b.c", "<0.-1.0>", "0.1.2.3", "<0.1.99999999999>", "<>"})
        {
            assertNull(PidText.parse(bad), bad);
        }
    }
}
