/**
 * Customer-value models: BG/NBD purchase counts, Gamma-Gamma spend, churn risk, CLV and RFM scores.
 * Everything here is pure computation on numbers: no Kafka, no I/O, no shared mutable state.
 * docs/models.md explains every formula, its units and when the model does not fit.
 */
package io.profilestream.models;
