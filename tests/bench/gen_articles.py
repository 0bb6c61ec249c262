#!/usr/bin/env python3
"""gen_articles.py: write a synthetic articles tree of N mixed Chinese/English articles.

usage: gen_articles.py N OUTDIR [--seed S]
Deterministic for a seed, so that bench runs compare like with like.
"""
import os
import random
import sys

ZH_WORDS = ("退款 退货 换货 发票 优惠券 支付宝 微信支付 银行卡 密码 验证码 手机号 账号 "
            "注销 两步验证 物流 快递 配送 签收 保修 维修 蓝牙 开机 固件 升级 隐私 个人信息 "
            "数据 导出 订单 取消 地址 修改 运费 包裹 破损 国际 配送时间 客服 工单 申请 "
            "审核 到账 余额 积分 会员 登录 安全 设备 电池 充电 网络 设置 应用 更新").split()
EN_WORDS = ("refund return exchange invoice coupon payment card password code phone "
            "account delete security shipping delivery package warranty repair bluetooth "
            "firmware update privacy data export order cancel address fee damaged "
            "international support ticket review balance points member login device "
            "battery charge network settings app").split()


def sentence(rng, zh):
    if zh:
        n = rng.randint(8, 20)
        return "".join(rng.choice(ZH_WORDS) for _ in range(n)) + "。"
    n = rng.randint(8, 16)
    words = [rng.choice(EN_WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def article(rng, i, zh):
    title = ("".join(rng.choice(ZH_WORDS) for _ in range(3)) if zh
             else " ".join(rng.choice(EN_WORDS) for _ in range(4)).capitalize())
    lines = ["---", f"title: \"{title} {i}\"",
             f"summary: \"{sentence(rng, zh)}\"",
             f"tags: [{rng.choice(ZH_WORDS)}, {rng.choice(EN_WORDS)}]",
             f"order: {i % 50}"]
    if not zh:
        lines.append("lang: en")
    lines += ["---", ""]
    size = 0
    sec = 0
    while size < 5000:
        sec += 1
        lines.append(f"## {'第' + str(sec) + '节' if zh else 'Section ' + str(sec)}")
        lines.append("")
        para = " ".join(sentence(rng, zh) for _ in range(rng.randint(3, 6)))
        lines.append(para)
        lines.append("")
        size += len(para.encode())
    return "\n".join(lines) + "\n"


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    seed = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--seed" else 1
    rng = random.Random(seed)
    ncat = max(6, n // 200)
    for c in range(ncat):
        d = os.path.join(out, f"cat{c}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "_index.md"), "w") as f:
            f.write(f"---\ntitle: 分类 {c}\ndescription: 第 {c} 类文章\norder: {c}\n---\n")
    for i in range(n):
        zh = rng.random() < 0.7
        with open(os.path.join(out, f"cat{i % ncat}", f"article-{i}.md"), "w") as f:
            f.write(article(rng, i, zh))


if __name__ == "__main__":
    main()
