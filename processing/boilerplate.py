"""Boilerplate phrases of wxrb.com pages, grouped in one place (site facts: docs/wxrb-site.md).

Matching is done on simplified text (see ``clean.to_simplified``), so the traditional-script
copies made by mirrors (版權所有, 蘇ICP備) are caught by the same phrases.
"""

import re

# Lines of the portal footer. Example (seed page):
# Copyright(C) 1998-2024 wxrb.com All Rights Reserved 无锡日报报业集团无锡新传媒网 版权所有未经授权禁止复制或镜像
# 互联网新闻信息服务许可证:32120170007 信息网络传播视听节目许可证:110330069 ...
# 苏新网备2006009 苏ICP备05004020号
FOOTER_LINE = re.compile(
    r"Copyright\s*(\(C\)|©)"
    r"|All Rights Reserved"
    r"|版权所有"
    r"|未经授权禁止复制"
    r"|新闻信息服务许可证"
    r"|视听节目许可证"
    r"|节目制作经营许可证"
    r"|[苏沪京浙粤]ICP备\s*\d+"
    r"|苏新网备\s*\d+"
    r"|公网安备\s*\d+",
    re.IGNORECASE,
)

# Widgets whose text can leak into a body: share bar, font-size switch.
WIDGET_ITEM = r"(分享到[:：]?|字[号体][:：]?\s*(大\s*中\s*小)?|打印(本页)?|关闭(窗口|本页)?|(加入)?收藏(本页)?|返回顶部)"
# A line of nothing but widget items, each maybe in 【】: 【打印本页】【关闭窗口】 (government pages).
WIDGET_LINE = re.compile(rf"^(\s*[【\[]?\s*{WIDGET_ITEM}\s*[】\]]?\s*)+$")

# An in-body pointer to another article: 相关阅读：《……》
RELATED_LINE = re.compile(r"^(相关阅读|相关链接|延伸阅读)[:：]")

# A breadcrumb written out as text: 首页 > 新闻中心 > 无锡新闻 > 正文
BREADCRUMB_LINE = re.compile(r"^首页\s*[>＞»].*正文$")

# Markers that must never be left in a loaded body: the quality check looks for these.
# Both scripts: a mirror's traditional copy must be caught too.
FOOTER_MARKERS = (
    "版权所有", "版權所有", "ICP备", "ICP備", "新闻信息服务许可证", "新聞信息服務許可證",
    "Copyright(C)", "苏新网备", "蘇新網備",
)

# HTML elements of the portal template that are never body text.
NOISE_SELECTORS = (
    "script", "style", "noscript", ".share", ".fontSize", ".crumbs", ".footer", ".xgxw",
    # Reader comments and related-news boxes that some page variants nest inside the body
    # (evaluation case portal_comments_in_zoom).
    "[class*=comment]", "[id*=comment]", "[class*=related]", "[class*=relate-]",
)

# Disclaimers that aggregators and mirrors append to a copied article (docs/wxrb-site.md §3.4):
# 声明：本文仅代表作者个人观点，不代表本站立场。  免责声明：…  本文来源于网络，如有侵权请联系删除。
DISCLAIMER_LINE = re.compile(
    r"^(免责声明|版权声明)"
    r"|^(特别)?声明[:：].*(观点|立场|侵权|转载|来源)"
    r"|本文仅代表作者"
    r"|本文(内容|图片|文字)?(来源于|来自|转载自|转自|系转载自?)(互联)?网络"
    r"|如有侵权[,，]?请"
    r"|不代表本(站|网|平台|号)"
    r"|版权归原作者所有"
)
