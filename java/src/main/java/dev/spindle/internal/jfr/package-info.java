/**
 * JFR events ({@code dev.spindle.*}) and the cached "is it enabled" flags the hot paths read.
 * Leaf package.
 */
package dev.spindle.internal.jfr;
