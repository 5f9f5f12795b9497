/* Rename the klib string functions so the test binary has both them and libc's. */
#define memcpy klib_memcpy
#define memmove klib_memmove
#define memset klib_memset
#define memcmp klib_memcmp
#define memchr klib_memchr
#define strlen klib_strlen
#define strnlen klib_strnlen
#define strcmp klib_strcmp
#define strncmp klib_strncmp
#define strchr klib_strchr
#define strrchr klib_strrchr
#define strtoul klib_strtoul
#define kstrlcpy klib_kstrlcpy
