/**
 * The JNI declarations of libspindle and the library loader (explicit path, then the library
 * bundled in the jar, extracted to a temporary file). Leaf package.
 */
package dev.spindle.internal.nativebridge;
