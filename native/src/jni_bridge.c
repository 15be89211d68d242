/*
 * JNI entry points for dev.spindle.internal.nativebridge.SpindleNative. Each is one call into the
 * core; Java validates arguments (scheduler index, priority) before calling, so the hot paths
 * carry no checks beyond asserts in debug builds.
 */
#include "spindle/spindle.h"

#include <assert.h>
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>

#define SP_SET(h) ((sp_set *)(intptr_t)(h))
/* Debug builds only: Java validates indices before calling; a bad one here is a Java-side bug. */
#define ASSERT_SCHED(h, s) assert((h) != 0 && (uint32_t)(s) < sp_count(SP_SET(h)))
#define ASSERT_PRIO(p) assert((uint32_t)(p) < SP_NPRIO)
#define ASSERT_PRIO_FLAGS(p) assert(((uint32_t)(p) & ~SP_BOUND) < SP_NPRIO)
#define FN(name) Java_dev_spindle_internal_nativebridge_SpindleNative_##name

JNIEXPORT jint JNICALL FN(abiVersion)(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return SP_ABI_VERSION;
}

JNIEXPORT jlong JNICALL FN(create)(JNIEnv *env, jclass cls, jint n, jint local_cap, jint inject_cap)
{
    (void)env;
    (void)cls;
    if (n <= 0 || local_cap <= 0 || inject_cap <= 0) {
        return 0;
    }
    return (jlong)(intptr_t)sp_create((uint32_t)n, (uint32_t)local_cap, (uint32_t)inject_cap);
}

JNIEXPORT void JNICALL FN(destroy)(JNIEnv *env, jclass cls, jlong h)
{
    (void)env;
    (void)cls;
    sp_destroy(SP_SET(h));
}

JNIEXPORT void JNICALL FN(pushLocal)(JNIEnv *env, jclass cls, jlong h, jint s, jint pid, jint prio)
{
    (void)env;
    (void)cls;
    ASSERT_SCHED(h, s);
    ASSERT_PRIO_FLAGS(prio);
    sp_push_local(SP_SET(h), (uint32_t)s, (uint32_t)pid, (uint32_t)prio);
}

JNIEXPORT void JNICALL FN(pushRemote)(JNIEnv *env, jclass cls, jlong h, jint s, jint pid, jint prio)
{
    (void)env;
    (void)cls;
    ASSERT_SCHED(h, s);
    ASSERT_PRIO_FLAGS(prio);
    sp_push_remote(SP_SET(h), (uint32_t)s, (uint32_t)pid, (uint32_t)prio);
}

JNIEXPORT jint JNICALL FN(next)(JNIEnv *env, jclass cls, jlong h, jint s, jboolean steal)
{
    (void)env;
    (void)cls;
    ASSERT_SCHED(h, s);
    return (jint)sp_next(SP_SET(h), (uint32_t)s, steal ? 1 : 0);
}

JNIEXPORT jboolean JNICALL FN(park)(JNIEnv *env, jclass cls, jlong h, jint s, jlong timeout_ns)
{
    (void)env;
    (void)cls;
    ASSERT_SCHED(h, s);
    return sp_park(SP_SET(h), (uint32_t)s, (int64_t)timeout_ns) ? JNI_TRUE : JNI_FALSE;
}

JNIEXPORT void JNICALL FN(unpark)(JNIEnv *env, jclass cls, jlong h, jint s)
{
    (void)env;
    (void)cls;
    ASSERT_SCHED(h, s);
    sp_unpark(SP_SET(h), (uint32_t)s);
}

JNIEXPORT void JNICALL FN(setOnline)(JNIEnv *env, jclass cls, jlong h, jint n)
{
    (void)env;
    (void)cls;
    if (n < 1) {
        n = 1; /* a negative n cast to uint32_t would mean "all online" */
    }
    sp_set_online(SP_SET(h), (uint32_t)n);
}

JNIEXPORT jint JNICALL FN(online)(JNIEnv *env, jclass cls, jlong h)
{
    (void)env;
    (void)cls;
    return (jint)sp_online(SP_SET(h));
}

JNIEXPORT jlong JNICALL FN(queueLength)(JNIEnv *env, jclass cls, jlong h, jint s, jint prio)
{
    (void)env;
    (void)cls;
    ASSERT_SCHED(h, s);
    ASSERT_PRIO(prio);
    return (jlong)sp_queue_length(SP_SET(h), (uint32_t)s, (uint32_t)prio);
}

JNIEXPORT jobject JNICALL FN(counters)(JNIEnv *env, jclass cls, jlong h)
{
    (void)cls;
    const sp_set *set = SP_SET(h);
    return (*env)->NewDirectByteBuffer(env, (void *)sp_counters_of(set), (jlong)sp_count(set) * SP_COUNTERS_SIZE);
}

JNIEXPORT jint JNICALL FN(currentCpu)(JNIEnv *env, jclass cls)
{
    (void)env;
    (void)cls;
    return sp_current_cpu();
}

JNIEXPORT jintArray JNICALL FN(allowedCpus)(JNIEnv *env, jclass cls)
{
    (void)cls;
    int32_t buf[4096];
    const int n = sp_allowed_cpus(buf, 4096);
    if (n < 0) {
        return NULL;
    }
    const jsize len = n < 4096 ? n : 4096; /* sp_allowed_cpus counts all, writes at most max */
    jintArray out = (*env)->NewIntArray(env, len);
    if (out != NULL) {
        (*env)->SetIntArrayRegion(env, out, 0, len, (const jint *)buf);
    }
    return out;
}
