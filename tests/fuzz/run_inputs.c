/* Runs a fuzz harness over files, without libFuzzer: how the seed corpora and
 * every crash the fuzzers found are replayed by `make test`, under ASan and
 * UBSan there. Usage: HARNESS FILE... (a folder stands for its files). */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    char *data;
    gsize len;
    if (!g_file_get_contents(path, &data, &len, NULL)) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    g_free(data);
    return 0;
}

int main(int argc, char **argv)
{
    int failed = 0, runs = 0;
    for (int i = 1; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            GDir *d = g_dir_open(argv[i], 0, NULL);
            const char *e;
            while (d && (e = g_dir_read_name(d))) {
                char *p = g_build_filename(argv[i], e, NULL);
                failed += run_file(p);
                runs++;
                g_free(p);
            }
            if (d)
                g_dir_close(d);
        } else {
            failed += run_file(argv[i]);
            runs++;
        }
    }
    printf("%d inputs replayed\n", runs);
    return failed != 0;
}
