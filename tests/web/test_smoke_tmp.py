import aiohttp
from tests.web.support import serving, seed, web_harness, signed_in
from bot.messages import message_text

async def test_smoke(db):
    h = web_harness()
    await seed(h)
    print(await h.text("Ada", "meetings python"))
    async with serving(h) as base:
        async with aiohttp.ClientSession() as s:
            for path in ["/", "/communities/1", "/communities/2", "/communities/1/dashboard", "/communities/1?q=rubric"]:
                async with s.get(base + path) as r:
                    body = await r.text()
                    print(path, r.status, len(body), dict(r.headers).get("Content-Security-Policy"))
            async with s.get(base + "/communities/1") as r:
                print(await r.text())
        ada = await signed_in(base, h, "Ada")
        async with ada.get("/communities/1/dashboard") as r:
            body = await r.text()
            print(r.status, len(body))
            open("/tmp/dash.html","w").write(body)
        async with ada.get("/communities/1/dashboard.csv") as r:
            print(await r.text())
        async with ada.get("/?lang=fr") as r:
            print(await r.text())
        await ada.close()
