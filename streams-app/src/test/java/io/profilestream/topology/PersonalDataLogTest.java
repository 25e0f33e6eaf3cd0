package io.profilestream.topology;

import static io.profilestream.topology.TestEvents.click;
import static io.profilestream.topology.TestEvents.erasure;
import static io.profilestream.topology.TestEvents.order;
import static io.profilestream.topology.TopologyFixture.START;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.profilestream.events.ClickType;
import io.profilestream.events.CustomerTraits;
import io.profilestream.http.ApiServer;
import io.profilestream.profile.CustomerProfile;
import io.profilestream.query.LookupResult;

/**
 * A customer's email, name, address and phone number go through the engine (as traits, in rejected records, in
 * HTTP paths, through an erasure) and none of them appears in any log line, message or stack trace, at DEBUG.
 */
class PersonalDataLogTest {

    private static final String EMAIL = "annelies.devries@example.org";
    private static final String FIRST_NAME = "Annelies";
    private static final String LAST_NAME = "Vriesendorp";
    private static final String STREET = "Wilhelminastraat 42";
    private static final String POSTAL_CODE = "1506 AB";
    private static final String CITY = "Zaandam";
    private static final String PHONE = "+31 6 1234 5678";
    private static final List<String> PERSONAL = List.of(EMAIL, "annelies.devries", FIRST_NAME, LAST_NAME, STREET,
        POSTAL_CODE, CITY, PHONE);

    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Map<String, Level> levels = new HashMap<>();
    private TopologyFixture fixture;

    @BeforeEach
    void capture() {
        for (final String name : List.of(Logger.ROOT_LOGGER_NAME, "io.profilestream", "org.apache.kafka",
            "io.javalin", "org.eclipse.jetty")) {
            final Logger logger = context.getLogger(name);
            levels.put(name, logger.getLevel());
            logger.setLevel(name.equals("io.profilestream") ? Level.DEBUG : Level.INFO);
        }
        appender.setContext(context);
        appender.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
        fixture = new TopologyFixture(Map.of("identity.email.hash.salt", "salt"), null);
    }

    @AfterEach
    void restore() {
        fixture.close();
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        levels.forEach((name, level) -> context.getLogger(name).setLevel(level));
    }

    @Test
    void shouldKeepEmailsNamesAndAddressesOutOfTheLogs() throws Exception {
        fixture.traits.pipeInput("c-ann", traits("c-ann").build());
        fixture.clicks.pipeInput("a-ann", click("e1", "a-ann", ClickType.LOGIN, START).setCustomerId("c-ann")
            .build());
        fixture.purchases.pipeInput("c-ann", order("p1", "c-ann", START, 2_500));
        // Rejected: an email without @, an over-long address, a key that is not the customer, a bad country,
        // a birth year from the future, and the bytes of a good record cut short.
        fixture.traits.pipeInput("c-ann", traits("c-ann").setEmail("annelies.devries-at-example.org").build());
        fixture.traits.pipeInput("c-ann", traits("c-ann").setAttributes(Map.of("street",
            STREET + " ".repeat(300))).build());
        fixture.traits.pipeInput(EMAIL, traits("c-ann").build());
        fixture.traits.pipeInput("c-ann", traits("c-ann").setCountry(CITY).build());
        fixture.traits.pipeInput("c-ann", traits("c-ann").setBirthYear(3000).build());
        final byte[] good = fixture.serdes.traits().serialize(fixture.topics.customerTraits(),
            traits("c-ann").build());
        fixture.raw(fixture.topics.customerTraits()).pipeInput("c-ann", Arrays.copyOf(good, good.length - 3));
        assertThat(fixture.profile("c-ann").getDemographics().getCity()).isEqualTo(CITY);

        try (ApiServer server = ApiServer.builder(this::lookup, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
            .start()) {
            final HttpClient client = HttpClient.newHttpClient();
            for (final String id : List.of("c-ann", EMAIL, FIRST_NAME + " " + LAST_NAME, STREET)) {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/v1/profiles/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20")))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
            }
        }
        fixture.erasures.pipeInput("c-ann", erasure("c-ann", START.plusSeconds(60)));
        assertThat(fixture.profile("c-ann")).isNull();

        final String logs = appender.list.stream().map(PersonalDataLogTest::render)
            .collect(Collectors.joining("\n"));
        assertThat(appender.list).as("the scenario logs its rejections").hasSizeGreaterThanOrEqualTo(6);
        assertThat(logs).contains("Rejected the record at customer-traits-0");
        for (final String personal : PERSONAL) {
            assertThat(logs).as("logs must not contain %s", personal).doesNotContainIgnoringCase(personal);
        }
    }

    private LookupResult<CustomerProfile> lookup(final String id) {
        final CustomerProfile profile = fixture.profile(id);
        return profile == null ? new LookupResult.NotFound<>() : new LookupResult.Found<>(profile);
    }

    private static CustomerTraits.Builder traits(final String customerId) {
        return CustomerTraits.newBuilder().setCustomerId(customerId).setUpdatedAt(START)
            .setEmail(EMAIL).setCity(CITY).setPostalCode(POSTAL_CODE).setCountry("NL").setBirthYear(1984)
            .setAttributes(Map.of("firstName", FIRST_NAME, "lastName", LAST_NAME, "street", STREET, "phone", PHONE));
    }

    /** The message, its arguments and every throwable's class and message, as any appender could print them. */
    private static String render(final ILoggingEvent event) {
        final StringBuilder text = new StringBuilder(event.getLoggerName()).append(' ')
            .append(event.getFormattedMessage());
        if (event.getArgumentArray() != null) {
            Arrays.stream(event.getArgumentArray()).forEach(argument -> text.append(' ').append(argument));
        }
        for (IThrowableProxy error = event.getThrowableProxy(); error != null; error = error.getCause()) {
            text.append(' ').append(error.getClassName()).append(": ").append(error.getMessage());
        }
        return text.toString();
    }
}
