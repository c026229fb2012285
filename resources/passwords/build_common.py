"""Build ``common.txt``: the common passwords the password policy refuses (app/passwords.py).

Made offline, by this script, from two parts:

1. ``SEED``: passwords that top the published frequency lists: the ones named again and again in the public
   analyses of the 2011 CSDN, Tianya and 178.com leaks (Chinese users) and in the SecLists / NCSC "most common
   passwords" top lists (everyone). Written down by hand from those published tables; no leaked file is
   downloaded or shipped.
2. Rules that produce what people in China typically build from those pieces: keyboard walks (qwertyuiop,
   1qaz2wsx…), digit runs, love numbers (520, 1314, 5201314), lucky numbers (666, 888), pinyin words and
   common surnames followed by digits, years and ``@``/``!``/``.``.

Everything is lower case (the check compares case-folded text). Run ``python build_common.py`` to rewrite
common.txt; the result is sorted, unique and a few thousand lines long.
"""
from __future__ import annotations

from pathlib import Path

SEED = """
123456 123456789 12345678 1234567890 111111 000000 123123 5201314 666666 888888 11111111 1234567
654321 7758521 123321 112233 147258369 987654321 123654 woaini woaini1314 woaini520 iloveyou
password password1 password123 passw0rd p@ssw0rd p@ssword admin admin123 admin888 administrator root
qwerty qwerty123 qwertyuiop qwerty123456 asdfghjkl zxcvbnm zxcvbnm123 1qaz2wsx 1qaz2wsx3edc 1q2w3e4r
1q2w3e4r5t 1q2w3e qazwsx qazwsxedc qwe123 qweasd qweasdzxc asd123 zxc123 abc123 abc123456 abcd1234
a123456 a12345678 a123456789 123456a 123456789a 123abc 1314520 5211314 woaiwojia dearbook aini1314
wangyi iloveyou1314 qq123456 qq5201314 q1w2e3r4 a1b2c3d4 aa123456 aaaaaa abcdefg abcdefgh computer
monkey dragon sunshine princess football baseball letmein welcome trustno1 master shadow superman
michael jordan23 harley ranger buster soccer hockey killer george charlie andrew michelle jessica
pepper daniel hunter fuckyou ginger hannah maggie mustang access batman thomas tigger robert
welcome1 welcome123 iloveyou1 123qwe 1234qwer qwer1234 asdf1234 zaq12wsx !qaz2wsx 1qazxsw2 xiaoming
woshishui nihao nihao123 wodemima mima123 mima1234 zhongguo zhongguo123 beijing beijing2008 shanghai
huawei xiaomi baidu tencent taobao weixin wechat alibaba china123 chinese 88888888 66666666 99999999
12341234 11223344 13141314 52013140 5201314520 1314521 1234554321 0123456789 147852369 159357
159753 741852963 963852741 123456abc abc12345 aaa111 a1234567 1234abcd 12345qwert 123456qwerty
"""

PINYIN = """
woaini aini wangyi zhangwei wangwei wangfang liwei lina zhangmin lijing wangjing liuwei wangxiuying
zhangli lixiuying wangli zhangjing lijun liuyang wangyong zhangyong wangyan zhangjie lijie liuhua
xiaoming xiaohong xiaoli xiaowei xiaoyu xiaoxiao xiaobao baobao beibei doudou tiantian yangyang
laoshi xuesheng xuexiao zhongxue xiaoxue xinli xinqiao fudao jiaoshi banzhuren xiaozhang
zhongguo beijing shanghai guangzhou shenzhen tianjin chongqing chengdu wuhan nanjing hangzhou
kuaile xingfu pingan jiayou fendou mengxiang tiantang aiqing qinqin laopo laogong baobei
woshishui nihao nihaoma wodemima mima haoren dashen wangzhe yingxiong
"""

SURNAMES = ("wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie"
            " song tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang yu du ye cheng wei su lu ding"
            " ren shen yao jin fu").split()

ENGLISH = """
password admin administrator qwerty welcome iloveyou monkey dragon sunshine princess football baseball
letmein master shadow superman michael computer internet teacher student school hello loveyou
"""

WALKS = ["qwertyuiop", "asdfghjkl", "zxcvbnm", "1qaz2wsx", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "qazwsxedc",
         "qazwsxedcrfv", "1q2w3e4r", "1q2w3e4r5t", "1q2w3e4r5t6y", "q1w2e3r4", "q1w2e3r4t5", "qweasdzxc",
         "zaq12wsx", "zaq1xsw2", "!qaz@wsx", "1qaz@wsx", "!qaz2wsx", "qwertyuiop123", "asdfghjkl123",
         "1234qwer", "qwer1234", "asdf1234", "zxcv1234", "1234asdf", "qwerasdf", "qwerasdfzxcv", "asdfjkl;",
         "poiuytrewq", "lkjhgfdsa", "mnbvcxz", "0987654321", "1234567890-=", "!@#$%^&*()", "1q2w3e4r5t6y7u8i9o0p",
         "qwe123qwe", "qweqweqwe", "asdasdasd", "zxczxczxc", "abcabcabc", "abc123abc123"]

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "123456789", "520", "1314", "5201314", "521",
            "666", "888", "8888", "88888888", "000", "001", "111", "2008", "2010", "2012", "2018", "2020", "2022",
            "2023", "2024", "2025", "2026", "@123", "@1234", "@123456", "!", "!@#", ".", "123!", "123.", "@"]


def build() -> list[str]:
    words: set[str] = set()
    words.update(SEED.split())
    words.update(WALKS)
    for word in PINYIN.split() + ENGLISH.split():
        for suffix in SUFFIXES:
            words.add(word + suffix)
        words.add(word.capitalize() + "123")
        words.add("123" + word)
        words.add("520" + word)
    for surname in SURNAMES:
        for suffix in ("123456", "123456789", "12345678", "1234567890", "5201314", "1314520", "888888",
                       "666666", "@123456", "2024", "2025", "2026"):
            words.add(surname + suffix)
    for walk in WALKS:
        for suffix in ("1", "123", "!", "@", "520", "1314", "2025", "2026"):
            words.add(walk + suffix)
    for digit in "0123456789":
        for n in range(6, 21):
            words.add(digit * n)
    for n in range(6, 21):
        words.add("".join(str(i % 10) for i in range(1, n + 1)))
        words.add("".join(str(i % 10) for i in range(0, n)))
        words.add("".join(str((9 - i) % 10) for i in range(0, n)))
    for letters in ("abc", "aaa", "qwe", "asd", "zxc", "qaz"):
        for digits in ("123456", "123456789", "1234567", "12345678", "654321", "111111", "888888"):
            words.add(letters + digits)
            words.add(digits + letters)
    return sorted(w.casefold() for w in words if len(w) >= 6)


if __name__ == "__main__":
    out = Path(__file__).with_name("common.txt")
    lines = build()
    out.write_text("\n".join(lines) + "\n", "utf-8")
    print(f"{len(lines)} passwords written to {out}")
