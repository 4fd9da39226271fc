//! Pagination kinds the generic profile detects (issue 22), each walked over at least three pages
//! of its fixture's mock server: page numbers, offsets (an object page and a bare array), a nested
//! next cursor, the last item's id with `has_more`, a next URL in the body (three spellings) and
//! the `Link` header over bare arrays. The requests each walk sends are asserted, not only the
//! items it yields.

mod page_number {
    use fixture_pagination_page_number::mock::MockServer;
    use fixture_pagination_page_number::types::{Item, ItemPage};
    use futures::TryStreamExt;

    fn page(ids: &[&str], total: Option<i64>) -> ItemPage {
        ItemPage {
            items: ids.iter().map(|id| Item::new(*id)).collect(),
            total_count: total,
            _undeclared: Default::default(),
        }
    }

    fn ids(items: &[Item]) -> Vec<&str> {
        items.iter().map(|i| i.id.as_str()).collect()
    }

    #[tokio::test]
    async fn pages_are_numbered_until_a_short_page() {
        let server = MockServer::start().await;
        for (n, ids) in [("1", &["a", "b"][..]), ("2", &["c", "d"]), ("3", &["e"])] {
            server
                .on_list_items()
                .with_query("page", n)
                .respond(page(ids, None))
                .times(1);
        }
        let client = server.client();
        let items: Vec<Item> = client
            .list_items()
            .page_size(2)
            .tag("x")
            .into_stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids(&items), ["a", "b", "c", "d", "e"]);
        let sent: Vec<Vec<(String, String)>> =
            server.received().iter().map(|r| r.query.clone()).collect();
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        for (i, q) in sent.iter().enumerate() {
            assert!(q.contains(&pair("page", &(i + 1).to_string())), "{q:?}");
            assert!(q.contains(&pair("page_size", "2")), "{q:?}");
            assert!(q.contains(&pair("tag", "x")), "{q:?}");
        }
        assert_eq!(sent.len(), 3);
    }

    #[tokio::test]
    async fn prefetched_pages_arrive_in_order_and_the_total_ends_the_listing() {
        let server = MockServer::start().await;
        for (n, ids) in [
            ("3", &["e", "f"][..]),
            ("4", &["g", "h"]),
            ("5", &["i", "j"]),
            ("6", &["k", "l"]),
        ] {
            server
                .on_list_items()
                .with_query("page", n)
                .respond(page(ids, Some(8)));
        }
        let pages: Vec<ItemPage> = server
            .client()
            .list_items()
            .page(3)
            .page_size(2)
            .prefetch(2)
            .into_pages()
            .try_collect()
            .await
            .unwrap();
        // From page 3, the server's total of 8 items ends the listing after four full pages.
        let got: Vec<Vec<&str>> = pages.iter().map(|p| ids(&p.items)).collect();
        assert_eq!(got, [["e", "f"], ["g", "h"], ["i", "j"], ["k", "l"]]);
        // Prefetch may ask beyond the end; nothing past page 6 is handed out.
        assert!(server.received().len() >= 4);
    }
}

mod offset {
    use fixture_pagination_offset::mock::MockServer;
    use fixture_pagination_offset::types::{Record, RecordList};
    use futures::TryStreamExt;

    #[tokio::test]
    async fn offsets_step_by_the_limit_until_has_more_is_false() {
        let server = MockServer::start().await;
        let list = |keys: &[&str], more: bool| RecordList {
            records: keys.iter().map(|k| Record::new(*k)).collect(),
            total: None,
            has_more: Some(more),
            _undeclared: Default::default(),
        };
        for (offset, keys, more) in [
            ("0", &["a", "b"][..], true),
            ("2", &["c", "d"], true),
            ("4", &["e", "f"], false),
        ] {
            server
                .on_list_records()
                .with_query("offset", offset)
                .with_query("limit", "2")
                .respond(list(keys, more))
                .times(1);
        }
        let records: Vec<Record> = server
            .client()
            .list_records()
            .limit(2)
            .into_stream()
            .try_collect()
            .await
            .unwrap();
        let keys: Vec<&str> = records.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "d", "e", "f"]);
    }

    #[tokio::test]
    async fn a_bare_array_steps_by_the_default_count_until_an_empty_page() {
        let server = MockServer::start().await;
        for (skip, lines) in [
            ("0", vec!["1", "2", "3"]),
            ("3", vec!["4", "5", "6"]),
            ("6", vec!["7", "8", "9"]),
            ("9", vec![]),
        ] {
            let lines: Vec<String> = lines.into_iter().map(str::to_owned).collect();
            server
                .on_list_logs()
                .with_query("skip", skip)
                .respond(lines)
                .times(1);
        }
        let lines: Vec<String> = server
            .client()
            .list_logs()
            .into_stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(lines, ["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        // The spec's default count (3) is the step; the client does not send it.
        assert!(server
            .received()
            .iter()
            .all(|r| r.query_value("count").is_none()));
    }
}

mod cursor {
    use fixture_pagination_cursor::mock::MockServer;
    use fixture_pagination_cursor::types::{
        Charge, ChargeList, ChargeListObject, Conversation, ConversationsPage,
        ConversationsPageResponseMetadata,
    };
    use futures::TryStreamExt;

    fn conversations(names: &[&str], next: &str) -> ConversationsPage {
        let mut page = ConversationsPage::new(
            true,
            names.iter().map(|n| Conversation::new(*n, *n)).collect(),
        );
        page.response_metadata = Some(ConversationsPageResponseMetadata {
            next_cursor: Some(next.to_owned()),
            _undeclared: Default::default(),
        });
        page
    }

    #[tokio::test]
    async fn a_nested_next_cursor_is_followed_through_an_empty_page() {
        let server = MockServer::start().await;
        // Most specific first: the first request carries no cursor and matches the last one.
        server
            .on_conversations_list()
            .with_query("cursor", "dXNlcjpV")
            .respond(conversations(&[], "dXNlcjpW"))
            .times(1);
        server
            .on_conversations_list()
            .with_query("cursor", "dXNlcjpW")
            .respond(conversations(&["random"], ""))
            .times(1);
        server
            .on_conversations_list()
            .respond(conversations(&["general", "dev"], "dXNlcjpV"))
            .times(1);
        let names: Vec<String> = server
            .client()
            .conversations_list()
            .limit(2)
            .into_stream()
            .map_ok(|c| c.name)
            .try_collect()
            .await
            .unwrap();
        // The empty middle page still named a cursor; the empty cursor of the third ends it.
        assert_eq!(names, ["general", "dev", "random"]);
        let cursors: Vec<Option<String>> = server
            .received()
            .iter()
            .map(|r| r.query_value("cursor").map(str::to_owned))
            .collect();
        assert_eq!(
            cursors,
            [None, Some("dXNlcjpV".into()), Some("dXNlcjpW".into())]
        );
        assert!(server
            .received()
            .iter()
            .all(|r| r.query_value("limit") == Some("2")));
    }

    #[tokio::test]
    async fn the_last_items_id_is_the_cursor_while_has_more() {
        let server = MockServer::start().await;
        let list = |ids: &[&str], has_more: bool| {
            ChargeList::new(
                ChargeListObject::List,
                ids.iter().map(|id| Charge::new(*id, 100)).collect(),
                has_more,
            )
        };
        server
            .on_list_charges()
            .with_query("starting_after", "ch_2")
            .respond(list(&["ch_3", "ch_4"], true))
            .times(1);
        server
            .on_list_charges()
            .with_query("starting_after", "ch_4")
            .respond(list(&["ch_5"], false))
            .times(1);
        server
            .on_list_charges()
            .respond(list(&["ch_1", "ch_2"], true))
            .times(1);
        let pages: Vec<ChargeList> = server
            .client()
            .list_charges()
            .limit(2)
            .into_pages()
            .try_collect()
            .await
            .unwrap();
        let ids: Vec<&str> = pages
            .iter()
            .flat_map(|p| &p.data)
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(ids, ["ch_1", "ch_2", "ch_3", "ch_4", "ch_5"]);
    }

    #[tokio::test]
    async fn a_cursor_served_twice_ends_the_stream_with_an_error() {
        let server = MockServer::start().await;
        server
            .on_conversations_list()
            .with_query("cursor", "c2")
            .respond(conversations(&["b"], "c2"));
        server
            .on_conversations_list()
            .respond(conversations(&["a"], "c2"));
        let results: Vec<_> = futures::StreamExt::collect(
            server
                .client()
                .conversations_list()
                .max_pages(10)
                .into_stream(),
        )
        .await;
        assert!(results.len() <= 4, "{results:?}");
        assert!(
            matches!(
                results.last(),
                Some(Err(fixture_pagination_cursor::Error::Pagination { .. }))
            ),
            "{results:?}"
        );
    }
}

mod next_url {
    use fixture_pagination_next_url::mock::MockServer;
    use fixture_pagination_next_url::types::{
        Article, ArticlePage, Event, EventPage, EventPageLinks, PeopleCollection, Person,
    };
    use futures::TryStreamExt;

    #[tokio::test]
    async fn an_odata_next_link_is_followed_with_the_same_headers() {
        let server = MockServer::start().await;
        let people = |names: &[&str], next: Option<String>| {
            let mut page = PeopleCollection::new(names.iter().map(|n| Person::new(*n)).collect());
            page.odata_next_link = next;
            page
        };
        let base = format!("{}/people", server.uri());
        server
            .on_list_people()
            .with_query("$skiptoken", "2")
            .respond(people(
                &["c", "d"],
                Some(format!("{base}?$top=2&$skiptoken=4")),
            ))
            .times(1);
        server
            .on_list_people()
            .with_query("$skiptoken", "4")
            .respond(people(&["e"], None))
            .times(1);
        server
            .on_list_people()
            .respond(people(
                &["a", "b"],
                Some(format!("{base}?$top=2&$skiptoken=2")),
            ))
            .times(1);
        let names: Vec<String> = server
            .client()
            .list_people()
            .top(2)
            .into_stream()
            .map_ok(|p| p.user_name)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(names, ["a", "b", "c", "d", "e"]);
        let received = server.received();
        assert_eq!(received.len(), 3);
        for r in &received {
            assert_eq!(r.method, "GET");
            assert_eq!(r.query_value("$top"), Some("2"), "{r:?}");
            assert!(r.header("authorization").is_some(), "{r:?}");
        }
    }

    #[tokio::test]
    async fn a_relative_links_next_is_resolved_and_null_ends_the_listing() {
        let server = MockServer::start().await;
        let events = |ids: &[i64], next: Option<&str>| EventPage {
            data: ids.iter().map(|id| Event::new(*id)).collect(),
            links: EventPageLinks {
                self_: None,
                next: next.map(str::to_owned),
                _undeclared: Default::default(),
            },
            _undeclared: Default::default(),
        };
        server
            .on_list_events()
            .with_query("after", "2")
            .respond(events(&[3, 4], Some("/events?after=4")))
            .times(1);
        server
            .on_list_events()
            .with_query("after", "4")
            .respond(events(&[5], None))
            .times(1);
        server
            .on_list_events()
            .respond(events(&[1, 2], Some("/events?after=2")))
            .times(1);
        let ids: Vec<i64> = server
            .client()
            .list_events()
            .into_stream()
            .map_ok(|e| e.id)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids, [1, 2, 3, 4, 5]);
    }

    #[tokio::test]
    async fn a_next_url_on_another_origin_is_refused_before_sending() {
        let server = MockServer::start().await;
        let mut first = ArticlePage::new(1, vec![Article::new("one")]);
        first.next = Some("https://elsewhere.example/articles?page=2".to_owned());
        server.on_list_articles().respond(first).times(1);
        let results: Vec<_> =
            futures::StreamExt::collect(server.client().list_articles().into_stream()).await;
        assert_eq!(results.len(), 2, "{results:?}");
        assert!(matches!(&results[0], Ok(a) if a.title == "one"));
        assert!(matches!(
            results[1],
            Err(fixture_pagination_next_url::Error::Pagination { .. })
        ));
        assert_eq!(server.received().len(), 1);
    }
}

mod link_header {
    use fixture_pagination_link_header::mock::{MockResponse, MockServer};
    use fixture_pagination_link_header::types::Repository;
    use futures::TryStreamExt;

    /// A page of repositories with the `Link` header GitHub sends (`next` and `last`).
    fn answer(ids: &[i64], next: Option<String>, last: &str) -> MockResponse {
        let repos: Vec<Repository> = ids
            .iter()
            .map(|id| Repository::new(*id, format!("repo{id}")))
            .collect();
        let mut link = format!("<{last}>; rel=\"last\"");
        if let Some(next) = next {
            link = format!("<{next}>; rel=\"next\", {link}");
        }
        MockResponse::new(
            200,
            [
                ("content-type", "application/json"),
                ("link", link.as_str()),
            ],
            serde_json::to_vec(&repos).unwrap(),
        )
    }

    #[tokio::test]
    async fn bare_arrays_follow_the_link_header_until_it_has_no_next() {
        let server = MockServer::start().await;
        let url = |page: u32| format!("{}/orgs/octo/repos?per_page=2&page={page}", server.uri());
        server
            .on_list_org_repos("octo")
            .with_query("page", "2")
            .respond_raw(answer(&[3, 4], Some(url(3)), &url(3)))
            .times(1);
        server
            .on_list_org_repos("octo")
            .with_query("page", "3")
            .respond_raw(answer(&[5], None, &url(3)))
            .times(1);
        server
            .on_list_org_repos("octo")
            .respond_raw(answer(&[1, 2], Some(url(2)), &url(3)))
            .times(1);
        let pages: Vec<Vec<Repository>> = server
            .client()
            .list_org_repos("octo")
            .per_page(2)
            .into_pages()
            .try_collect()
            .await
            .unwrap();
        let ids: Vec<Vec<i64>> = pages
            .iter()
            .map(|p| p.iter().map(|r| r.id).collect())
            .collect();
        assert_eq!(ids, [vec![1, 2], vec![3, 4], vec![5]]);
        let received = server.received();
        assert_eq!(received[0].query_value("page"), None);
        assert_eq!(received[0].query_value("per_page"), Some("2"));
    }
}
