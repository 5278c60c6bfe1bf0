"""Ask the news archive over HTTP from another program, with gradio_client (installed with gradio).

Start the server (``rag serve``, add ``--auth USER:PASSWORD`` for a login), then:

    RAG_URL=http://127.0.0.1:7860 RAG_USER=reader RAG_PASSWORD=secret python docs/http_api_example.py

The ``/ask`` endpoint takes a question and a conversation id ("" starts a new conversation)
and returns the answer text with its [n] markers, the numbered sources, whether the archive
had no answer (and why), and the conversation id to pass with a follow-up question. The
conversation is stored like one started in the browser, under the same login.
"""

import os

from gradio_client import Client

url = os.environ.get("RAG_URL", "http://127.0.0.1:7860")
login = (os.environ["RAG_USER"], os.environ["RAG_PASSWORD"]) if os.environ.get("RAG_USER") else None
client = Client(url, auth=login, verbose=False)

first = client.predict(
    question="How many people were killed in the fighting in Deir al-Zor?",
    conversation_id="",
    api_name="/ask",
)
print(first["answer"] if not first["refused"] else f"No answer: {first['refusal_reason']}")
for source in first["sources"]:
    if source["cited"]:
        print(f"  [{source['number']}] {source['title']} ({source['outlet']}, {source['date']})")

follow_up = client.predict(
    question="And how many of them were civilians?",
    conversation_id=first["conversation_id"],
    api_name="/ask",
)
print(follow_up["answer"] if not follow_up["refused"] else f"No answer: {follow_up['refusal_reason']}")
print("conversation:", follow_up["conversation_id"])
