package dev.switchboard.catalog;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link Catalog#find}: ids, aliases and unique bare slugs, case-insensitively. */
class CatalogLookupTest {
    private static final Catalog BUILT_IN = BuiltInCatalogTest.catalog(Map.of());

    private static Catalog withUserFile(String yaml) {
        return CatalogFactory.build(new ConfigLoader(Map.of()).load("switchboard.yaml", yaml),
                BuiltInCatalogTest.IMPLEMENTED);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "openai/gpt-4.1,               openai/gpt-4.1",
            "gpt-4.1,                      openai/gpt-4.1",
            "gpt-4-1,                      openai/gpt-4.1",
            // a dated alias names the pinned snapshot (ModelLookupTest)
            "openai/gpt-4.1-2025-04-14,    openai/gpt-4.1-2025-04-14",
            "gpt-4.1-2025-04-14,           openai/gpt-4.1-2025-04-14",
            "OpenAI/GPT-4.1,               openai/gpt-4.1",
            "GPT-4-1,                      openai/gpt-4.1",
            "'  gpt-4.1-mini  ',           openai/gpt-4.1-mini",
            "claude-sonnet-4-20250514,     anthropic/claude-sonnet-4-20250514",
            "Anthropic/Claude-3-5-Haiku-20241022, anthropic/claude-3-5-haiku-20241022",
            "echo,                         switchboard/echo",
            "mistralai/mistral-large,      mistralai/mistral-large-2411",
    })
    void findsAModelByIdOrAliasIgnoringCase(String requested, String expected) {
        assertThat(BUILT_IN.find(requested)).map(m -> m.id().value()).hasValue(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"openai/gpt-5", "gpt", "openai/", "", "  "})
    void findsNothingForAnUnknownName(String requested) {
        assertThat(BUILT_IN.find(requested)).isEmpty();
    }

    @Test
    void findsNothingForNull() {
        assertThat(BUILT_IN.find(null)).isEmpty();
    }

    @Test
    void findsModelsThatAreNotListed() {
        assertThat(BUILT_IN.find("openai/o3")).hasValueSatisfying(m -> assertThat(m.listed()).isFalse());
    }

    @Test
    void aBareSlugFindsTheOnlyModelWithThatSlug() {
        Catalog catalog = withUserFile("""
                models:
                  - { id: acme/gadget, context_length: 10, endpoints: [{ provider: demo }] }
                  - { id: acme/widget, context_length: 10, endpoints: [{ provider: demo }] }
                  - { id: other/widget, context_length: 10, endpoints: [{ provider: demo }] }
                """);

        assertThat(catalog.find("gadget")).map(m -> m.id().value()).hasValue("acme/gadget");
        assertThat(catalog.find("GADGET")).map(m -> m.id().value()).hasValue("acme/gadget");
        assertThat(catalog.find("widget")).as("ambiguous bare slug").isEmpty();
        assertThat(catalog.find("other/widget")).map(m -> m.id().value()).hasValue("other/widget");
    }

    @Test
    void anAliasWinsOverAnotherModelsBareSlug() {
        Catalog catalog = withUserFile("""
                models:
                  - { id: acme/widget, context_length: 10, endpoints: [{ provider: demo }] }
                  - { id: other/gizmo, aliases: [widget], context_length: 10, endpoints: [{ provider: demo }] }
                """);

        assertThat(catalog.find("widget")).map(m -> m.id().value()).hasValue("other/gizmo");
    }

    @Test
    void anAliasClaimedByTwoModelsIsAConfigError() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> withUserFile("""
                models:
                  - id: acme/one
                    context_length: 10
                    aliases: [shared]
                    endpoints: [{ provider: demo }]
                  - id: acme/two
                    context_length: 10
                    aliases: [other, Shared]
                    endpoints: [{ provider: demo }]
                """));

        assertThat(e.file()).isEqualTo("switchboard.yaml");
        assertThat(e.line()).isEqualTo(8);
        assertThat(e.field()).isEqualTo("models[1].aliases");
        assertThat(e.problem()).isEqualTo("\"shared\" already names model acme/one");
    }

    @Test
    void anAliasThatIsAnotherModelsIdIsAConfigError() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> withUserFile("""
                models:
                  - id: acme/one
                    context_length: 10
                    aliases: [openai/gpt-4o]
                    endpoints: [{ provider: demo }]
                """));

        assertThat(e.field()).isEqualTo("models[0].aliases");
        assertThat(e.problem()).contains("already names model openai/gpt-4o");
    }

    @Test
    void theBuiltInCatalogHasNoConflictingNames() {
        assertThat(BUILT_IN.models()).allSatisfy(m -> {
            assertThat(BUILT_IN.find(m.id().value())).containsSame(m);
            // a dated alias names a snapshot of its model: the same model under the dated id
            m.aliases().forEach(alias -> assertThat(BUILT_IN.find(alias)).as(alias).hasValueSatisfying(found -> {
                assertThat(found.name()).startsWith(m.name());
                assertThat(found.endpoints()).hasSameSizeAs(m.endpoints());
            }));
        });
    }
}
