package io.profilestream.topology;

import java.time.Instant;
import java.util.List;

import io.profilestream.events.ClickEvent;
import io.profilestream.events.ClickType;
import io.profilestream.events.Device;
import io.profilestream.events.EmailEvent;
import io.profilestream.events.EmailEventType;
import io.profilestream.events.ErasureRequest;
import io.profilestream.events.LineItem;
import io.profilestream.events.PurchaseEvent;
import io.profilestream.events.PurchaseType;

/**
 * Small builders for valid events with sensible defaults.
 */
final class TestEvents {

    private TestEvents() {
    }

    static ClickEvent.Builder click(final String eventId, final String anonymousId, final ClickType type,
                                    final Instant time) {
        return ClickEvent.newBuilder()
            .setEventId(eventId)
            .setAnonymousId(anonymousId)
            .setSessionId("s-" + anonymousId)
            .setType(type)
            .setTimestamp(time)
            .setChannel("organic")
            .setDevice(Device.MOBILE);
    }

    static PurchaseEvent order(final String eventId, final String customerId, final Instant time,
                               final long totalMinor, final LineItem... items) {
        return PurchaseEvent.newBuilder()
            .setEventId(eventId)
            .setOrderId("o-" + eventId)
            .setCustomerId(customerId)
            .setType(PurchaseType.ORDER)
            .setTimestamp(time)
            .setCurrency("USD")
            .setTotalMinor(totalMinor)
            .setItems(List.of(items))
            .build();
    }

    static PurchaseEvent refund(final String eventId, final String customerId, final Instant time,
                                final long totalMinor) {
        return PurchaseEvent.newBuilder()
            .setEventId(eventId)
            .setOrderId("o-" + eventId)
            .setCustomerId(customerId)
            .setType(PurchaseType.REFUND)
            .setTimestamp(time)
            .setCurrency("USD")
            .setTotalMinor(totalMinor)
            .setItems(List.of())
            .build();
    }

    static LineItem item(final String category, final int quantity, final long unitPriceMinor) {
        return LineItem.newBuilder()
            .setSku("sku-" + category)
            .setCategory(category)
            .setQuantity(quantity)
            .setUnitPriceMinor(unitPriceMinor)
            .build();
    }

    static EmailEvent email(final String eventId, final String customerId, final EmailEventType type,
                            final Instant time) {
        return EmailEvent.newBuilder()
            .setEventId(eventId)
            .setCustomerId(customerId)
            .setCampaignId("spring-sale")
            .setType(type)
            .setTimestamp(time)
            .build();
    }

    static ErasureRequest erasure(final String customerId, final Instant time) {
        return ErasureRequest.newBuilder()
            .setRequestId("erase-" + customerId)
            .setCustomerId(customerId)
            .setRequestedAt(time)
            .build();
    }
}
