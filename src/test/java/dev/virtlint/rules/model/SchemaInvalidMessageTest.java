package dev.virtlint.rules.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** VL010's wording of Jing's messages: the same violation reads the same in every run. */
class SchemaInvalidMessageTest {
    @Test
    void alternativesAreInOneOrderWhateverOrderJingListsThem() {
        String oneWay = "bad value for attribute \"file\" from namespace \"\"; must be a string matching the regular"
                + " expression \"\\[[^\\]]+\\] .+\" or must be a string matching the regular expression \"(/|[a-zA-Z]:\\\\).+\"";
        String otherWay = "bad value for attribute \"file\" from namespace \"\"; must be a string matching the regular"
                + " expression \"(/|[a-zA-Z]:\\\\).+\" or must be a string matching the regular expression \"\\[[^\\]]+\\] .+\"";
        assertEquals("must match \"(/|[a-zA-Z]:\\\\).+\" or must match \"\\[[^\\]]+\\] .+\"", SchemaInvalid.detail(oneWay));
        assertEquals(SchemaInvalid.detail(oneWay), SchemaInvalid.detail(otherWay));
        assertEquals(SchemaInvalid.stableValidatorMessage(oneWay), SchemaInvalid.stableValidatorMessage(otherWay),
                "data.validator, which JSON and SARIF reports carry, is the same in every run too");
        assertEquals(otherWay, SchemaInvalid.stableValidatorMessage(oneWay), "Jing's wording kept");
    }

    @Test
    void enumeratedValuesAreSorted() {
        assertEquals("must be equal to \"no\", \"off\" or \"yes\"",
                SchemaInvalid.detail("bad value; must be equal to \"yes\", \"no\" or \"off\""));
        assertEquals("must be equal to \"a\" or must match \"b.*\"",
                SchemaInvalid.detail("bad value; must be a string matching the regular expression \"b.*\" or must be"
                        + " equal to \"a\""));
    }

    @Test
    void aMessageWithoutDetailHasNone() {
        assertEquals("", SchemaInvalid.detail("element \"adress\" not allowed here"));
    }
}
